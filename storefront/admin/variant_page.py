"""The variants section of a back-office product page, as its own views and the product page render it."""

from .forms import EmptyForm, OptionForm, VariantRowForm
from .variants import product_with_variants

VARIANTS_ID = "product-variants"


def row_forms(product, formdata=None):
    """{variant id: its row form}: from the submitted table, or filled from the variants."""
    forms = {}
    for variant in product.variants:
        prefix = f"v{variant.id}-"
        if formdata is not None:
            forms[variant.id] = VariantRowForm(formdata=formdata, prefix=prefix)
        else:
            forms[variant.id] = VariantRowForm(formdata=None, prefix=prefix, obj=variant, stock_seen=variant.stock)
    return forms


def variants_context(product, option_form=None, rows=None, notice=None, error=None):
    """What `admin/products/_variants.html` shows; the product page includes it too."""
    product = product_with_variants(product.id)
    return {
        "product": product,
        "option_form": option_form or OptionForm(formdata=None),
        "rows": rows or row_forms(product),
        "action_form": EmptyForm(),
        "variants_notice": notice,
        "variants_error": error,
    }
