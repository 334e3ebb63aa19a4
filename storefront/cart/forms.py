from wtforms import HiddenField, StringField

from ..forms import Form


class CartLineForm(Form):
    """variant_id + quantity. Checked by hand in the view because the limits depend on the variant."""

    variant_id = HiddenField()
    # Add forms on pages rendered before variants existed name the product; it means its only variant.
    product_id = HiddenField()
    quantity = StringField(default="1")
    # Which add form sent this (grid card or product page), so the same one is re-rendered.
    layout = HiddenField(default="detail")


class RemoveLineForm(Form):
    variant_id = HiddenField()
