from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..forms import Form
from ..mail.order_link import normalise_contact, normalise_reference


class OrderLookupForm(Form):
    reference = StringField(
        _l("Order number"),
        filters=[normalise_reference],  # " sf-7kq2m9xa3b" is a reference read off a phone screen
        validators=[
            InputRequired(_l("Please enter your order number.")),
            Length(max=16, message=_l("An order number looks like SF-7KQ2M9XA3B.")),
        ],
    )
    contact = StringField(
        _l("E-mail or mobile number used for the order"),
        validators=[
            InputRequired(_l("Please enter the e-mail address or mobile number of the order.")),
            Length(max=254, message=_l("This is too long (at most %(max)d characters).")),
        ],
    )

    def validate_contact(self, field: StringField) -> None:
        if not normalise_contact(field.data):
            raise ValidationError(_l("Enter an e-mail address or an Indonesian mobile number, e.g. 0812 3456 7890."))
