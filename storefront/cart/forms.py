from wtforms import HiddenField, StringField

from ..forms import Form


class CartLineForm(Form):
    """product_id + quantity. Checked by hand in the view because the limits depend on the product."""

    product_id = HiddenField()
    quantity = StringField(default="1")
    # Which add form sent this (grid card or product page), so the same one is re-rendered.
    variant = HiddenField(default="detail")


class RemoveLineForm(Form):
    product_id = HiddenField()
