import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, StringField, TelField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from ..forms import Form

_TOO_LONG = _l("This is too long (at most %(max)d characters).")
_PHONE_PATTERN = re.compile(r"^(?:\+62|62|0)(8\d{7,12})$")


def normalise_phone(raw):
    """'0812-3456 789', '62812…', '+62812…' -> '+62812…'; None if it is not an Indonesian mobile."""
    compact = re.sub(r"[\s\-().]", "", raw or "")
    match = _PHONE_PATTERN.match(compact)
    return "+62" + match.group(1) if match else None


class CheckoutForm(Form):
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Please enter your name.")), Length(max=100, message=_TOO_LONG)])
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(_l("Please enter your email address.")),
            Length(max=254, message=_TOO_LONG),
            Email(_l("Please enter a valid email address."), check_deliverability=False),
        ],
    )
    phone = TelField(_l("Mobile number"), validators=[InputRequired(_l("Please enter your mobile number."))])
    address = StringField(
        _l("Street address"), validators=[InputRequired(_l("Please enter your address.")), Length(max=255, message=_TOO_LONG)]
    )
    city = StringField(_l("City"), validators=[InputRequired(_l("Please enter your city.")), Length(max=100, message=_TOO_LONG)])
    postal_code = StringField(
        _l("Postal code"), validators=[InputRequired(_l("Please enter your postal code."))]
    )
    # Same value for both halves of a double submit, so they resolve to one order.
    checkout_key = HiddenField()
    # What the summary beside the form showed (pricing.fingerprint): the order is placed only at those prices.
    totals_fingerprint = HiddenField()

    def validate_phone(self, field):
        normalised = normalise_phone(field.data)
        if normalised is None:
            raise ValidationError(_l("Enter an Indonesian mobile number, e.g. 0812 3456 7890."))
        field.data = normalised

    def validate_postal_code(self, field):
        field.data = (field.data or "").strip()
        if not re.fullmatch(r"\d{5}", field.data):
            raise ValidationError(_l("A postal code has 5 digits."))

    def customer(self):
        return {
            "customer_name": self.name.data.strip(),
            "email": self.email.data.strip(),
            "phone": self.phone.data,
            "address": self.address.data.strip(),
            "city": self.city.data.strip(),
            "postal_code": self.postal_code.data,
        }
