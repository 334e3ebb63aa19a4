"""The back-office form for one voucher; its datetimes are typed in the store's time zone."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..forms import Form
from ..vouchers.models import KIND_FIXED, KIND_PERCENT
from ..vouchers.rules import MAX_CODE_LENGTH, normalise_code

_MAX_IDR = 10**12
_WHOLE_RUPIAH = _l("Enter a whole number of rupiah above 0, or leave it empty.")
_USES = _l("Enter a whole number of uses above 0, or leave it empty for no limit.")


class VoucherForm(Form):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the code shoppers will type."))])
    kind = RadioField(
        _l("Discount"),
        choices=[
            SelectChoice(KIND_PERCENT, _l("Percentage of the eligible items")),
            SelectChoice(KIND_FIXED, _l("Fixed amount (rupiah)")),
        ],
        default=KIND_PERCENT,
        validators=[InputRequired(_l("Choose a percentage or a fixed amount."))],
    )
    percent = IntegerField(
        _l("Percentage"),
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("Enter a whole percentage from 1 to 100."))],
    )
    amount_idr = IntegerField(
        _l("Amount (rupiah)"), validators=[Optional(), NumberRange(min=1, max=_MAX_IDR, message=_WHOLE_RUPIAH)]
    )
    max_discount_idr = IntegerField(
        _l("Largest discount for a percentage (rupiah, empty = no cap)"),
        validators=[Optional(), NumberRange(min=1, max=_MAX_IDR, message=_WHOLE_RUPIAH)],
    )
    min_subtotal_idr = IntegerField(
        _l("Minimum subtotal (rupiah, empty = none)"),
        validators=[Optional(), NumberRange(min=1, max=_MAX_IDR, message=_WHOLE_RUPIAH)],
    )
    starts_at = DateTimeLocalField(
        _l("Valid from (store time, empty = now)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    ends_at = DateTimeLocalField(
        _l("Valid until (store time, empty = no end)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    usage_limit = IntegerField(
        _l("Uses in total (empty = no limit)"), validators=[Optional(), NumberRange(min=1, max=10**9, message=_USES)]
    )
    per_customer_limit = IntegerField(
        _l("Uses per customer (e-mail or phone; empty = no limit)"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=10**9, message=_USES)],
    )
    free_shipping = BooleanField(_l("Free shipping too"))
    categories = SelectMultipleField(_l("Only items of these categories (none chosen = every item)"), coerce=int)
    active = BooleanField(_l("Shoppers can use it"), default=True)

    def validate_code(self, field: Field) -> None:
        field.data = normalise_code(field.data)
        if not (3 <= len(field.data) <= MAX_CODE_LENGTH) or not all(
            c.isascii() and (c.isalnum() or c in "-_") for c in field.data
        ):
            raise ValidationError(_l("Use 3 to %(max)d letters, digits, - or _ (no spaces).", max=MAX_CODE_LENGTH))

    def validate(self, extra_validators: Any = None) -> bool:
        # Which amount is required depends on the kind: checked here, since Optional() ends a field's
        # own validators when it is empty.
        valid = bool(super().validate(extra_validators))
        if self.kind.data == KIND_PERCENT and self.percent.data is None and not self.percent.errors:
            self.percent.errors = [_l("Enter the percentage.")]
            valid = False
        if self.kind.data == KIND_FIXED and self.amount_idr.data is None and not self.amount_idr.errors:
            self.amount_idr.errors = [_l("Enter the amount in rupiah.")]
            valid = False
        return valid

    def validate_ends_at(self, field: Field) -> None:
        if field.data is not None and self.starts_at.data is not None and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def terms(self) -> dict[str, Any]:
        """The typed values, as admin.vouchers.save_voucher takes them (datetimes still in store time)."""
        percent = self.kind.data == KIND_PERCENT
        return {
            "code": self.code.data,
            "kind": self.kind.data,
            "percent": self.percent.data if percent else None,
            "amount_idr": None if percent else self.amount_idr.data,
            "max_discount_idr": self.max_discount_idr.data if percent else None,
            "min_subtotal_idr": self.min_subtotal_idr.data or 0,
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "usage_limit": self.usage_limit.data,
            "per_customer_limit": self.per_customer_limit.data,
            "free_shipping": bool(self.free_shipping.data),
            "category_ids": list(self.categories.data or []),
            "active": bool(self.active.data),
        }
