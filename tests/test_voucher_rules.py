"""What a voucher is worth, as pure rules: one rounding rule (percentages round down), caps, minimums,
validity windows, categories, the Rp1 floor, and the Snap lines that always sum to gross_amount."""

from datetime import datetime, timedelta, timezone

import flask_babel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.payments.gateway import SnapItem, SnapRequest, build_snap_payload
from storefront.vouchers.allocation import allocate
from storefront.vouchers.rules import (
    Discount,
    Line,
    Refusal,
    Terms,
    compute,
    discount_line_name,
    normalise_code,
    refusal,
    refusal_message,
)

NOW = datetime(2026, 12, 12, 5, 0, tzinfo=timezone.utc)
CUSTOMER = dict.fromkeys(("first_name", "last_name", "email", "phone", "address", "city", "postal_code"), "x")
KOPI = 1  # category ids
BATIK = 2


def test_codes_are_case_and_space_insensitive():
    assert normalise_code("  hemat 10 ") == normalise_code("HEMAT10") == "HEMAT10"


def test_a_percentage_rounds_down_to_whole_rupiah():
    assert compute(Terms("X", percent=10), [Line(12345)], 0) == Discount("X", items_idr=1234, shipping_idr=0)
    assert compute(Terms("X", percent=33), [Line(1000)], 0).items_idr == 330
    assert compute(Terms("X", percent=15), [Line(999)], 0).items_idr == 149  # 149.85 -> 149


def test_a_percentage_stops_at_its_cap():
    assert compute(Terms("X", percent=50, max_discount_idr=25000), [Line(200000)], 0).items_idr == 25000


def test_a_fixed_amount_never_exceeds_the_eligible_items():
    terms = Terms("X", amount_idr=50000, category_ids=frozenset({KOPI}))
    lines = [Line(30000, KOPI), Line(250000, BATIK)]
    assert compute(terms, lines, 20000).items_idr == 30000


def test_a_percentage_counts_only_items_of_its_categories():
    terms = Terms("X", percent=10, category_ids=frozenset({BATIK}))
    assert compute(terms, [Line(30000, KOPI), Line(250000, BATIK)], 0).items_idr == 25000


def test_free_shipping_takes_the_shipping_price_off_too():
    discount = compute(Terms("X", percent=10, free_shipping=True), [Line(100000)], 18000)
    assert (discount.items_idr, discount.shipping_idr, discount.total_idr) == (10000, 18000, 28000)


def test_the_order_total_never_drops_below_one_rupiah():
    discount = compute(Terms("X", amount_idr=100000, free_shipping=True), [Line(50000)], 10000)
    assert 50000 + 10000 - discount.total_idr == 1
    assert (discount.items_idr, discount.shipping_idr) == (50000, 9999)  # the shipping part gives way first
    assert 50000 - compute(Terms("X", percent=100), [Line(50000)], 0).total_idr == 1


@pytest.mark.parametrize(
    "terms, lines, reason",
    [
        (Terms("X", percent=10, active=False), [Line(1000)], Refusal.UNKNOWN),
        (Terms("X", percent=10, starts_at=NOW + timedelta(seconds=1)), [Line(1000)], Refusal.NOT_YET_VALID),
        (Terms("X", percent=10, starts_at=NOW), [Line(1000)], None),
        (Terms("X", percent=10, ends_at=NOW), [Line(1000)], Refusal.EXPIRED),
        (Terms("X", percent=10, ends_at=NOW + timedelta(seconds=1)), [Line(1000)], None),
        (Terms("X", percent=10, min_subtotal_idr=100000), [Line(60000), Line(39999)], Refusal.MINIMUM_NOT_REACHED),
        (Terms("X", percent=10, min_subtotal_idr=100000), [Line(60000), Line(40000)], None),
        (Terms("X", percent=10, category_ids=frozenset({BATIK})), [Line(1000, KOPI)], Refusal.NO_ELIGIBLE_ITEM),
        (Terms("X", percent=10, category_ids=frozenset({BATIK})), [Line(1000, None)], Refusal.NO_ELIGIBLE_ITEM),
    ],
)
def test_a_voucher_is_refused_for_exactly_one_reason(terms, lines, reason):
    assert refusal(terms, lines, NOW) is reason


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_reason_has_its_own_message_in_both_languages(app, locale):
    with app.test_request_context(), flask_babel.force_locale(locale):
        messages = {refusal_message(reason) for reason in Refusal}
        minimum = refusal_message(Refusal.MINIMUM_NOT_REACHED, Terms("X", min_subtotal_idr=100000))
    assert len(messages) == len(Refusal)
    assert "100.000" in minimum
    if locale == "id":
        assert "Voucher ini sudah kedaluwarsa." in messages


def test_a_discount_is_shared_pro_rata_rounded_down_with_the_remainder_on_the_last_line():
    assert allocate(100, [100, 100, 100]) == [33, 33, 34]
    assert allocate(0, [100, 200]) == [0, 0]
    assert allocate(1500, [1000, 1000, 1]) == [749, 750, 1]  # the last line cannot take more than itself


@st.composite
def carts(draw):
    lines = draw(
        st.lists(
            st.tuples(st.integers(1, 5_000_000), st.integers(1, 20), st.sampled_from([KOPI, BATIK, None])),
            min_size=1,
            max_size=6,
        )
    )
    shipping = draw(st.integers(0, 200_000))
    kind = draw(st.sampled_from(["percent", "fixed"]))
    terms = Terms(
        "HEMAT10",
        percent=draw(st.integers(1, 100)) if kind == "percent" else None,
        amount_idr=draw(st.integers(1, 50_000_000)) if kind == "fixed" else None,
        max_discount_idr=draw(st.none() | st.integers(1, 10_000_000)),
        free_shipping=draw(st.booleans()),
        category_ids=draw(st.sampled_from([None, frozenset({KOPI}), frozenset({KOPI, BATIK})])),
    )
    return lines, shipping, terms


@settings(max_examples=300, deadline=None)
@given(carts())
def test_snap_lines_with_a_discount_always_sum_to_a_gross_amount_of_at_least_one_rupiah(cart):
    lines, shipping, terms = cart
    priced = [Line(price * quantity, category) for price, quantity, category in lines]
    discount = compute(terms, priced, shipping)
    gross = sum(line.line_total_idr for line in priced) + shipping - discount.total_idr
    items = [SnapItem(f"v{i}", "Kopi", price, quantity) for i, (price, quantity, _c) in enumerate(lines)]
    items.append(SnapItem("shipping", "JNE REG", shipping, 1))
    if discount.total_idr:
        items.append(SnapItem("discount", discount_line_name(terms.code), -discount.total_idr, 1))
    payload = build_snap_payload(SnapRequest("ORD-1", gross, tuple(items), CUSTOMER, "http://x", NOW, 60))
    assert sum(i["price"] * i["quantity"] for i in payload["item_details"]) == gross >= 1
    # Each eligible line's share of the items' discount, for per-line refunds: exact and never above the line.
    eligible = [
        line.line_total_idr if terms.category_ids is None or line.category_id in terms.category_ids else 0
        for line in priced
    ]
    shares = allocate(discount.items_idr, eligible)
    assert sum(shares) == discount.items_idr
    assert all(0 <= share <= total for share, total in zip(shares, eligible, strict=True))
