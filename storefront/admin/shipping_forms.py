"""Back-office forms for shipping: the settings, one courier service, the rate table upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..forms import Form


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
