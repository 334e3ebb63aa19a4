"""The variants section of a back-office product page, as its own views and the product page render it."""

from typing import TypedDict

from werkzeug.datastructures import MultiDict

from ..models import Product
from .forms import EmptyForm, OptionForm, VariantRowForm
from .variants import product_with_variants

VARIANTS_ID = "product-variants"


class VariantSection(TypedDict, total=False):
    """What a variants view hands on to the section: a submitted form with its errors, a message."""

    option_form: OptionForm
    rows: dict[int, VariantRowForm]
    notice: str
    error: str


class VariantsContext(TypedDict):
    """The template context of `admin/products/_variants.html`."""

    product: Product
    option_form: OptionForm
    rows: dict[int, VariantRowForm]
    action_form: EmptyForm
    variants_notice: str | None
    variants_error: str | None


def row_forms(product: Product, formdata: MultiDict[str, str] | None = None) -> dict[int, VariantRowForm]:
    """{variant id: its row form}: from the submitted table, or filled from the variants."""
    forms: dict[int, VariantRowForm] = {}
    for variant in product.variants:
        prefix = f"v{variant.id}-"
        if formdata is not None:
            forms[variant.id] = VariantRowForm(formdata=formdata, prefix=prefix)
        else:
            forms[variant.id] = VariantRowForm(formdata=None, prefix=prefix, obj=variant, stock_seen=variant.stock)
    return forms


def variants_context(
    product: Product,
    option_form: OptionForm | None = None,
    rows: dict[int, VariantRowForm] | None = None,
    notice: str | None = None,
    error: str | None = None,
) -> VariantsContext:
    """What `admin/products/_variants.html` shows; the product page includes it too."""
    product = product_with_variants(product.id)
    return VariantsContext(
        product=product,
        option_form=option_form or OptionForm(formdata=None),
        rows=rows or row_forms(product),
        action_form=EmptyForm(),
        variants_notice=notice,
        variants_error=error,
    )
