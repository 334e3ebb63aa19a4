import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, HiddenField, RadioField, SelectField, StringField, TelField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from ..forms import Form
from ..phones import normalise_phone
from ..regions import Place, Region, children, place_for
from ..shipping_rates.quotes import ShippingOffer, find_quote
from ..shipping_rates.rules import Quote

_TOO_LONG = _l("This is too long (at most %(max)d characters).")
POSTAL_CODE = re.compile(r"\d{5}")


class CheckoutForm(Form):
    name = StringField(
        _l("Full name"), validators=[InputRequired(_l("Please enter your name.")), Length(max=100, message=_TOO_LONG)]
    )
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
        _l("Street address"),
        validators=[InputRequired(_l("Please enter your address.")), Length(max=255, message=_TOO_LONG)],
    )
    # Kemendagri codes; the lists are filled per request from the regions table (load_regions).
    province = SelectField(
        _l("Province"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Please choose your province."))],
    )
    city = SelectField(
        _l("City or regency"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Please choose your city or regency."))],
    )
    district = SelectField(
        _l("District (kecamatan)"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Please choose your district."))],
    )
    postal_code = StringField(_l("Postal code"), validators=[InputRequired(_l("Please enter your postal code."))])
    shipping_service = RadioField(
        _l("Shipping service"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Please choose a shipping service."))],
    )
    # Same value for both halves of a double submit, so they resolve to one order.
    checkout_key = HiddenField()
    # What the summary beside the form showed (pricing.fingerprint): the order is placed only at those prices.
    totals_fingerprint = HiddenField()

    place: Place | None = None
    quotes: list[Quote] = []
    shipping_offer: ShippingOffer | None = None

    def load_regions(self) -> None:
        """Fill the three lists for what is chosen so far; a choice that no longer fits its parent
        (another province was picked) is cleared, so the next list starts fresh."""
        provinces = children(None)
        self.province.choices = _options(provinces, _l("Choose a province"))
        cities = children(self.province.data) if self.province.data in {p.code for p in provinces} else []
        self.city.choices = _options(cities, _l("Choose a city or regency"))
        if self.city.data not in {c.code for c in cities}:
            self.city.data = ""
        districts = children(self.city.data) if self.city.data else []
        self.district.choices = _options(districts, _l("Choose a district"))
        if self.district.data not in {d.code for d in districts}:
            self.district.data = ""
        self.place = place_for(self.province.data or "", self.city.data or "", self.district.data or "")

    def offer(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self.shipping_service.choices = [(q.code, q.label) for q in quotes]

    @property
    def chosen_quote(self) -> Quote | None:
        return find_quote(self.quotes, self.shipping_service.data)

    # load_regions clears a choice that is not under its parent, so a stale or forged code arrives here
    # as an empty value although the browser sent one (InputRequired already passed on the raw input).
    def validate_province(self, field: Field) -> None:
        if field.data not in {code for code, _label in self.province.choices if code}:
            raise ValidationError(_l("Please choose your province from the list."))

    def validate_city(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("This city or regency is not in the chosen province."))

    def validate_district(self, field: Field) -> None:
        if not field.data or self.place is None:
            raise ValidationError(_l("This district is not in the chosen city or regency."))

    def validate_shipping_service(self, field: Field) -> None:
        if self.place is not None and self.chosen_quote is None:
            raise ValidationError(_l("This service is not available for your address. Please choose one of the list."))

    def validate_phone(self, field: Field) -> None:
        normalised = normalise_phone(field.data)
        if normalised is None:
            raise ValidationError(_l("Enter an Indonesian mobile number, e.g. 0812 3456 7890."))
        field.data = normalised

    def validate_postal_code(self, field: Field) -> None:
        field.data = (field.data or "").strip()
        if not POSTAL_CODE.fullmatch(field.data):
            raise ValidationError(_l("A postal code has 5 digits."))

    def customer(self) -> dict[str, str]:
        return {
            "customer_name": self.name.data.strip(),
            "email": self.email.data.strip(),
            "phone": self.phone.data,
            "address": self.address.data.strip(),
            "postal_code": self.postal_code.data,
        }


def _options(regions: list[Region], prompt: str) -> list[tuple[str, str]]:
    return [("", prompt)] + [(r.code, r.name) for r in regions]
