from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class CartLineForm(FlaskForm):
    """product_id + quantity. Checked by hand in the view because the limits depend on the product."""

    product_id = HiddenField()
    quantity = StringField(default="1")
    # Which add form sent this (grid card or product page), so the same one is re-rendered.
    variant = HiddenField(default="detail")


class RemoveLineForm(FlaskForm):
    product_id = HiddenField()
