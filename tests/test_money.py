import pytest

from storefront.money import format_idr


@pytest.mark.parametrize(
    "amount, text",
    [(0, "Rp0"), (500, "Rp500"), (150000, "Rp150.000"), (1250000, "Rp1.250.000"), (-20000, "-Rp20.000")],
)
def test_rupiah_is_formatted_with_dot_grouping(amount, text):
    assert format_idr(amount) == text


@pytest.mark.parametrize("amount", [1.5, "1000", None, True])
def test_non_integer_amounts_are_refused(amount):
    with pytest.raises(TypeError):
        format_idr(amount)
