"""Back-office forms for shipping: the settings, one courier service, one rate, the rate table upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..forms import Form
from ..shipping_rates.rate_csv import MAX_PRICE_PER_KG_IDR


class ShippingSettingsForm(Form):
    origin_city_code = SelectField(
        _l("Ships from (city or regency)"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Choose the city the parcels leave from."))],
    )
    origin_postal_code = StringField(
        _l("Origin postal code"),
        validators=[
            InputRequired(_l("Enter the origin's postal code.")),
            Regexp(r"^\d{5}$", message=_l("A postal code has 5 digits.")),
        ],
    )
    tolerance_g = IntegerField(
        _l("Weight tolerance (grams)"),
        default=300,
        validators=[
            InputRequired(_l("Enter the tolerance in grams.")),
            NumberRange(min=0, max=999, message=_l("Enter a whole number of grams from 0 to 999.")),
        ],
    )
    free_shipping_min_idr = IntegerField(
        _l("Free shipping from a subtotal of (rupiah, empty = never)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10**12, message=_l("Enter a whole number of rupiah above 0, or leave it empty.")),
        ],
    )

    def validate_origin_city_code(self, field: SelectField) -> None:
        if field.data not in {code for code, _label in self.origin_city_code.choices}:
            raise ValidationError(_l("Choose the city from the list."))


class ShippingServiceForm(Form):
    courier = StringField(_l("Courier"), validators=[InputRequired(_l("Enter the courier, e.g. JNE.")), Length(max=30)])
    service = StringField(_l("Service"), validators=[InputRequired(_l("Enter the service, e.g. REG.")), Length(max=30)])
    etd_min_days = IntegerField(
        _l("Estimate from (days)"),
        default=1,
        validators=[InputRequired(_l("Enter the days.")), NumberRange(min=0, max=60, message=_l("From 0 to 60 days."))],
    )
    etd_max_days = IntegerField(
        _l("Estimate to (days)"),
        default=3,
        validators=[InputRequired(_l("Enter the days.")), NumberRange(min=0, max=60, message=_l("From 0 to 60 days."))],
    )
    active = BooleanField(_l("Offered to shoppers"), default=True)
    free_shipping = BooleanField(_l("Free above the threshold"), default=True)

    def validate_etd_max_days(self, field: IntegerField) -> None:
        if self.etd_min_days.data is not None and field.data is not None and field.data < self.etd_min_days.data:
            raise ValidationError(_l("The estimate cannot end before it starts."))


class RateUploadForm(Form):
    rates = FileField(_l("Rate table (CSV)"), validators=[FileRequired(_l("Choose a CSV file."))])


class RateForm(Form):
    """One price per kilogram, for one service to one province or city, without the spreadsheet."""

    # The lists are filled per request (rate_choices); a code not among them is refused beside its field.
    rate_service = SelectField(
        _l("Courier service"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Choose the courier service."))],
    )
    rate_region = SelectField(
        _l("Destination (province or city)"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Choose the province or city."))],
    )
    # Text, not IntegerField: "remove" needs no price, and "18.000" is how a merchant writes a price.
    rate_price = StringField(_l("Price per kg (rupiah)"), validators=[Length(max=20)])
    save = SubmitField(_l("Save the rate"))
    remove = SubmitField(_l("Remove the rate"))

    def validate_rate_service(self, field: SelectField) -> None:
        if field.data not in {code for code, _label in self.rate_service.choices if code}:
            raise ValidationError(_l("Choose the courier service from the list."))

    def validate_rate_region(self, field: SelectField) -> None:
        if field.data not in {code for code, _label in self.rate_region.choices if code}:
            raise ValidationError(_l("Choose a province or city from the list."))

    def validate_rate_price(self, field: StringField) -> None:
        if self.remove.data:
            return
        text = (field.data or "").strip().replace(".", "")
        if not text:
            raise ValidationError(_l("Enter the price per kilogram in rupiah."))
        if not text.isdigit() or not 0 < int(text) <= MAX_PRICE_PER_KG_IDR:
            raise ValidationError(_l("Enter a whole number of rupiah above 0 (at most 10,000,000)."))

    @property
    def price_idr(self) -> int | None:
        """The validated price; None when the rate is to be removed."""
        return None if self.remove.data else int(self.rate_price.data.strip().replace(".", ""))


class MissingWeightsForm(Form):
    """One weight for every product that has none yet."""

    missing_weight_g = IntegerField(
        _l("Weight to give them (grams, packaging included)"),
        validators=[
            InputRequired(_l("Enter the weight in grams.")),
            NumberRange(min=1, max=100_000, message=_l("Enter a whole number of grams, from 1 to 100,000.")),
        ],
    )
