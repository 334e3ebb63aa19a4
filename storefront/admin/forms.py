"""Back-office forms. Every POST carries CSRF; destructive actions also need a ticked confirmation box,
which works without JavaScript (an `hx-confirm` alone would not)."""

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..forms import Form
from ..models import Category
from ..order_status import FulfilmentStatus, PaymentStatus
from ..status_words import fulfilment_label, status_label

MAX_STOCK_ADJUSTMENT = 100000
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class EmptyForm(Form):
    """A one-button action: only the CSRF token."""


class ConfirmForm(Form):
    confirm = BooleanField(_l("Yes, I am sure"), validators=[DataRequired(_l("Tick the box to confirm."))])


class RecheckForm(Form):
    # Which attempt to ask Midtrans about; the order's current attempt when empty.
    attempt = IntegerField(validators=[Optional(), NumberRange(min=1)])


class ShipForm(ConfirmForm):
    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=40)])
    tracking_number = StringField(
        _l("Tracking number"),
        validators=[InputRequired(_l("Enter the tracking number.")), Length(max=64)],
    )


ATTENTION_FILTER = "attention"


def status_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("All")), SelectChoice(ATTENTION_FILTER, _l("Needs attention"))] + [
        SelectChoice(status.value, status_label(status.value)) for status in PaymentStatus
    ]


class OrderFilterForm(Form):
    """The orders list's filters: a GET form, read from the query string (no CSRF needed to read)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    fulfilment = SelectField(_l("Shipping"), validators=[Optional()])
    q = SearchField(_l("Reference, e-mail or phone"), validators=[Optional(), Length(max=100)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # FlaskForm's own arguments, passed on
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()
        self.fulfilment.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(state.value, fulfilment_label(state.value)) for state in FulfilmentStatus
        ]


class ExportForm(Form):
    """Orders to export as CSV: a range of store days (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[DataRequired(_l("Enter the first day."))])
    date_to = DateField(_l("To"), validators=[DataRequired(_l("Enter the last day."))])

    def validate_date_to(self, field: DateField) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day comes before the first."))
        if self.date_from.data and field.data and (field.data - self.date_from.data).days > 366:
            raise ValidationError(_l("At most a year at a time."))


class ProductForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=120)])
    slug = StringField(
        _l("Address name (slug)"),
        validators=[
            Optional(),
            Length(max=120),
            Regexp(SLUG_PATTERN, message=_l("Lower-case letters, digits and dashes only.")),
        ],
    )
    category_id = SelectField(_l("Category"), coerce=int)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    price_idr = IntegerField(
        _l("Price (rupiah)"),
        validators=[
            InputRequired(_l("Enter the price.")),
            NumberRange(min=0, max=10**12, message=_l("Enter a whole number of rupiah, 0 or more.")),
        ],
    )
    # Every product here is a parcel: shipping is priced by weight, so a weight is required.
    weight_g = IntegerField(
        _l("Shipping weight (grams, packaging included)"),
        validators=[
            InputRequired(_l("Enter the weight in grams.")),
            NumberRange(min=1, max=100_000, message=_l("Enter a whole number of grams, from 1 to 100,000.")),
        ],
    )
    active = BooleanField(_l("For sale"), default=True)
    image = FileField(_l("Image (PNG, JPEG or WebP, at most 2 MB)"))


class NewProductForm(ProductForm):
    stock = IntegerField(
        _l("Stock"), default=0, validators=[InputRequired(), NumberRange(min=0, max=MAX_STOCK_ADJUSTMENT)]
    )


class CategoryForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name.")), Length(max=80)])
    slug = StringField(
        _l("Address name (slug)"),
        validators=[
            Optional(),
            Length(max=80),
            Regexp(SLUG_PATTERN, message=_l("Lower-case letters, digits and dashes only.")),
        ],
    )
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)])


STOCK_REASONS = {
    "received": _l("Goods received"),
    "correction": _l("Count correction"),
    "damaged": _l("Damaged or lost"),
    "returned": _l("Returned by a customer"),
}


class StockAdjustForm(Form):
    # Which variant's stock changes; its choices are the product's variants (set by the view).
    variant_id = SelectField(_l("Variant"), coerce=int, validate_choice=True)
    delta = IntegerField(
        _l("Change (+ to add, - to remove)"),
        validators=[
            InputRequired(_l("Enter how many units to add or remove.")),
            NumberRange(min=-MAX_STOCK_ADJUSTMENT, max=MAX_STOCK_ADJUSTMENT),
        ],
    )
    reason = SelectField(_l("Reason"), choices=[SelectChoice(code, label) for code, label in STOCK_REASONS.items()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])

    def validate_delta(self, field: IntegerField) -> None:
        if field.data == 0:
            raise ValidationError(_l("A change of 0 changes nothing."))


class OptionForm(Form):
    name = StringField(
        _l("Option"), validators=[InputRequired(_l("Enter the option's name, e.g. Ukuran.")), Length(max=40)]
    )
    values = StringField(
        _l("Values, separated by commas"),
        validators=[InputRequired(_l("Enter at least one value, separated by commas.")), Length(max=800)],
    )


class VariantRowForm(Form):
    """One row of the variants table, read with the prefix `v<id>-`; the table's form carries the CSRF token."""

    class Meta:
        csrf = False

    sku = StringField(
        _l("SKU"),
        validators=[
            Optional(),
            Length(max=50),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, dots, dashes and underscores only.")),
        ],
    )
    price_idr = IntegerField(
        _l("Price (rupiah)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=10**12, message=_l("Enter a whole number of rupiah, 0 or more.")),
        ],
    )
    weight_g = IntegerField(
        _l("Weight (grams)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("Enter a whole number of grams, from 1 to 100,000.")),
        ],
    )
    stock = IntegerField(
        _l("Stock"),
        validators=[
            InputRequired(_l("Enter the stock.")),
            NumberRange(min=0, max=MAX_STOCK_ADJUSTMENT, message=_l("Enter a whole number, 0 or more.")),
        ],
    )
    # The stock the merchant saw: the difference to `stock` is what changes (see admin/variants.py).
    stock_seen = HiddenField()
    active = BooleanField(_l("For sale"))


def category_choices(categories: Iterable[Category]) -> list[SelectChoice]:
    return [SelectChoice(0, _l("No category"))] + [SelectChoice(c.id, c.name) for c in categories]


def slugify(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:120]
