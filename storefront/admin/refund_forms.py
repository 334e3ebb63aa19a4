"""The refund forms: by amount, or by line (a quantity of each item), through Midtrans or recorded by hand.

The amount field starts empty: staff type what they mean to give back, or pick units of items and the
shop works out their price from the order's own lines, less their share of a voucher discount
(payments/refund_lines.py re-checks it under the order's lock). Each item gets a quantity field `<prefix>-line_<order item id>`, added the way WTForms
documents for dynamic forms (a subclass per request with the fields set on it).
"""

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..models import OrderItem
from ..payments.refund_lines import unit_refund
from .forms import ConfirmForm


class RefundForm(ConfirmForm):
    amount_idr = IntegerField(
        _l("Amount (rupiah)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number of rupiah, 1 or more."))],
    )
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=255)])
    restock = BooleanField(_l("Put the refunded items back in stock"))
    # One value per rendered form: resubmitting the same form finds the same refund (and refund_key).
    request_token = HiddenField(validators=[InputRequired(), Length(min=16, max=64)])

    # (item, units still refundable, its quantity field), set by `refund_form`.
    line_fields: list[tuple[OrderItem, int, IntegerField]] = []

    def line_quantities(self) -> dict[int, int]:
        """{order item id: units} of the items with a quantity above 0."""
        return {item.id: field.data for item, _left, field in self.line_fields if field.data}

    def requested_amount(self) -> int | None:
        """What this submitted form asks to refund, in rupiah (None for an empty form): shown beside the
        confirmation box. The refund itself re-prices the lines under the order's lock."""
        by_lines = sum(unit_refund(item, left, field.data or 0) for item, left, field in self.line_fields)
        if by_lines:
            return by_lines
        return self.amount_idr.data if isinstance(self.amount_idr.data, int) else None

    def requested_discount(self) -> int:
        """The voucher discount the chosen units carry, taken off their price (0 without a voucher)."""
        return sum(
            item.unit_price_idr * (field.data or 0) - unit_refund(item, left, field.data or 0)
            for item, left, field in self.line_fields
        )

    def validate(self, extra_validators: Mapping[str, Sequence[Callable[..., object]]] | None = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.line_quantities() and not self.amount_idr.data:
            self.amount_idr.errors.append(_l("Enter the amount, or how many of an item to refund."))
            return False
        if self.line_quantities() and self.amount_idr.data:
            self.amount_idr.errors.append(_l("Leave the amount empty when refunding items: it is their price."))
            return False
        return True


class ManualRefundForm(RefundForm):
    bank_name = StringField(_l("Bank"), validators=[InputRequired(_l("Enter the bank.")), Length(max=60)])
    account_number = StringField(
        _l("Account number"), validators=[InputRequired(_l("Enter the account number.")), Length(max=40)]
    )
    account_holder = StringField(
        _l("Account holder"), validators=[InputRequired(_l("Enter the account holder.")), Length(max=100)]
    )
    paid_out_by = StringField(
        _l("Paid out by"), validators=[InputRequired(_l("Enter who transferred the money.")), Length(max=100)]
    )


AnyRefundForm = TypeVar("AnyRefundForm", bound=RefundForm)


def refund_form(form_class: type[AnyRefundForm], lines: list[tuple[OrderItem, int]], **kwargs: object) -> AnyRefundForm:
    """A refund form with a quantity field per order line; `lines` is [(item, units still refundable)]."""
    fields: dict[str, IntegerField] = {}
    for item, left in lines:
        fields[f"line_{item.id}"] = IntegerField(
            item.name,
            validators=[Optional(), NumberRange(min=0, max=left, message=_l("From 0 to %(max)s.", max=left))],
        )
    with_lines = type(form_class.__name__, (form_class,), fields)
    form: AnyRefundForm = with_lines(**kwargs)
    form.line_fields = [(item, left, form[f"line_{item.id}"]) for item, left in lines]
    return form
