"""Orders in the back office: the filtered list, one order's detail, and the actions on it.

Every action is a POST with CSRF; destructive ones need a ticked confirmation box. An htmx request gets
the re-rendered `#order-detail` fragment; a plain form gets a 303 back to the order page. Each action is
written to the audit log with the staff member who did it.
"""

import secrets
from collections.abc import Callable

from flask import flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from .. import fulfilment
from ..extensions import db
from ..forms import Form
from ..htmx import render_page_or_fragment, wants_fragment
from ..models import Order, OrderItem
from ..order_status import SHIPPABLE, FulfilmentStatus
from ..order_status import PaymentStatus as S
from ..payments import actions, reads, refund_lines, refunds
from ..payments.models import Refund
from ..shipping import shipment_for
from . import audit
from .attention import resolve_attention
from .blueprint import bp
from .forms import ConfirmForm, OrderFilterForm, RecheckForm, ShipForm
from .orders import order_for_admin, search_orders, status_totals
from .refund_forms import ManualRefundForm, RefundForm, refund_form

DETAIL_ID = "order-detail"


@bp.get("/orders")
def orders() -> ResponseReturnValue:
    form = OrderFilterForm(request.args)
    valid = form.validate()
    # An invalid filter (a malformed date) is shown next to its field and ignored.
    status = form.status.data if valid or not form.status.errors else ""
    date_from = form.date_from.data if not form.date_from.errors else None
    date_to = form.date_to.data if not form.date_to.errors else None
    query = form.q.data if not form.q.errors else ""
    fulfilment_state = form.fulfilment.data if not form.fulfilment.errors else ""
    page = max(request.args.get("page", 1, type=int), 1)
    return render_page_or_fragment(
        "admin/orders/index.html",
        "admin/orders/_results.html",
        "order-results",
        form=form,
        pagination=search_orders(status, query, date_from, date_to, page, fulfilment=fulfilment_state),
        totals=status_totals(query, date_from, date_to, fulfilment_state),
        filters={
            "status": status or None,
            "fulfilment": fulfilment_state or None,
            "q": query or None,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
        },
    )


@bp.get("/orders/<reference>")
def order(reference: str) -> ResponseReturnValue:
    return _render_detail(order_for_admin(reference))


# ---------------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------------


@bp.post("/orders/<reference>/recheck")
def order_recheck(reference: str) -> ResponseReturnValue:
    # No confirmation: a re-check only applies what Midtrans says, as a notification would.
    form = RecheckForm()
    return _act(reference, "recheck", form, lambda o: actions.recheck(o.id, form.attempt.data))


@bp.post("/orders/<reference>/cancel")
def order_cancel(reference: str) -> ResponseReturnValue:
    return _act(reference, "cancel", ConfirmForm(prefix="cancel"), lambda o: actions.cancel(o.id))


@bp.post("/orders/<reference>/void")
def order_void(reference: str) -> ResponseReturnValue:
    return _act(reference, "void", ConfirmForm(prefix="void"), lambda o: actions.void(o.id))


@bp.post("/orders/<reference>/approve")
def order_approve(reference: str) -> ResponseReturnValue:
    return _act(reference, "approve", ConfirmForm(prefix="approve"), lambda o: actions.approve(o.id))


@bp.post("/orders/<reference>/deny")
def order_deny(reference: str) -> ResponseReturnValue:
    return _act(reference, "deny", ConfirmForm(prefix="deny"), lambda o: actions.deny(o.id))


@bp.post("/orders/<reference>/refund")
def order_refund(reference: str) -> ResponseReturnValue:
    form = refund_form(RefundForm, _refundable_lines(reference), prefix="refund")
    return _act(reference, "refund", form, lambda o: refunds.refund(o.id, _refund_request(form)))


@bp.post("/orders/<reference>/refunds/<refund_key>/retry")
def order_refund_retry(reference: str, refund_key: str) -> ResponseReturnValue:
    def retry(order: Order) -> actions.ActionResult:
        refund = db.session.execute(db.select(Refund).where(Refund.refund_key == refund_key)).scalar_one_or_none()
        if refund is None or refund.order_id != order.id:
            raise actions.NotAllowedNow(_("This order has no such refund."))
        return refunds.send_refund(refund.id)

    prefix = f"retry-{refund_key}"
    return _act(reference, "refund_retry", ConfirmForm(prefix=prefix), retry, form_key=prefix)


@bp.post("/orders/<reference>/manual-refund")
def order_manual_refund(reference: str) -> ResponseReturnValue:
    form = refund_form(ManualRefundForm, _refundable_lines(reference), prefix="manual")

    def record(order: Order) -> actions.ActionResult:
        payout = refunds.PayoutDetails(
            bank_name=form.bank_name.data.strip(),
            account_number=form.account_number.data.strip(),
            account_holder=form.account_holder.data.strip(),
            paid_out_by=form.paid_out_by.data.strip(),
        )
        return refunds.record_manual_refund(order.id, _refund_request(form), payout)

    return _act(reference, "manual_refund", form, record)


@bp.post("/orders/<reference>/ship")
def order_ship(reference: str) -> ResponseReturnValue:
    form = ShipForm(prefix="ship")

    def ship(order: Order) -> actions.ActionResult:
        carrier, tracking = form.carrier.data or "", form.tracking_number.data
        return actions.ActionResult(fulfilment.ship(order.id, carrier, tracking, g.staff.id, _recorder("ship", order)))

    return _act(reference, "ship", form, ship, audited=False)  # audited inside the shipping transaction


@bp.post("/orders/<reference>/deliver")
def order_deliver(reference: str) -> ResponseReturnValue:
    def deliver(order: Order) -> actions.ActionResult:
        return actions.ActionResult(fulfilment.mark_delivered(order.id, _recorder("deliver", order)))

    return _act(reference, "deliver", ConfirmForm(prefix="deliver"), deliver, audited=False)


@bp.post("/orders/<reference>/return")
def order_return(reference: str) -> ResponseReturnValue:
    def returned(order: Order) -> actions.ActionResult:
        return actions.ActionResult(fulfilment.mark_returned(order.id, _recorder("return", order)))

    return _act(reference, "return", ConfirmForm(prefix="return"), returned, audited=False)


def _recorder(action: str, order: Order) -> fulfilment.Recorder:
    order_id, staff_id = order.id, g.staff.id
    return lambda detail: audit.record(staff_id, action, order_id=order_id, detail=detail)


@bp.post("/orders/<reference>/resolve")
def order_resolve(reference: str) -> ResponseReturnValue:
    return _act(
        reference,
        "resolve",
        ConfirmForm(prefix="resolve"),
        lambda o: actions.ActionResult(resolve_attention(o.id, g.staff.id)),
        audited=False,
    )


def _refundable_lines(reference: str) -> list[tuple[OrderItem, int]]:
    return refund_lines.refundable_lines(order_for_admin(reference))


def _refund_request(form: RefundForm) -> refunds.RefundRequest:
    return refunds.RefundRequest(
        lines=form.line_quantities(),
        amount_idr=form.amount_idr.data,
        reason=(form.reason.data or "").strip(),
        restock=bool(form.restock.data),
        request_token=form.request_token.data,
        staff_id=g.staff.id,
    )


def _act(
    reference: str,
    action: str,
    form: Form,
    perform: Callable[[Order], actions.ActionResult],
    *,
    form_key: str | None = None,
    audited: bool = True,
) -> ResponseReturnValue:
    order = order_for_admin(reference)
    form_key = form_key or action
    if not form.validate_on_submit():
        return _render_detail(order, forms={form_key: form}, status=422)
    order_id = order.id
    try:
        result = perform(order)
    except (actions.MerchantActionError, fulfilment.FulfilmentRefused) as exc:
        if audited:
            audit.record_now(g.staff.id, action, order_id=order_id, detail=_("Not done: %(reason)s", reason=exc))
        # Fresh forms: a refund form's token now belongs to a closed (or pending) refund.
        return _after_action(reference, str(exc), "error")
    if audited:
        audit.record_now(g.staff.id, action, order_id=order_id, detail=result.message)
    return _after_action(reference, result.message, "success" if result.done else "warning")


def _after_action(reference: str, message: str, category: str) -> ResponseReturnValue:
    db.session.expire_all()
    if wants_fragment(DETAIL_ID):
        status = 422 if category == "error" else 200
        return _render_detail(order_for_admin(reference), notice=(category, message), status=status)
    flash(message, category)
    return redirect(url_for("admin.order", reference=reference), code=303)


def _fresh_forms(order: Order) -> dict[str, Form]:
    lines = refund_lines.refundable_lines(order)
    forms = {
        "cancel": ConfirmForm(formdata=None, prefix="cancel"),
        "void": ConfirmForm(formdata=None, prefix="void"),
        "approve": ConfirmForm(formdata=None, prefix="approve"),
        "deny": ConfirmForm(formdata=None, prefix="deny"),
        # Each rendered refund form is one staff request: its token finds the refund it already made.
        # The amount starts empty: a refund is what staff chose to give back, never a pre-filled total.
        "refund": refund_form(
            RefundForm, lines, formdata=None, prefix="refund", request_token=secrets.token_urlsafe(24)
        ),
        "manual_refund": refund_form(
            ManualRefundForm, lines, formdata=None, prefix="manual", request_token=secrets.token_urlsafe(24)
        ),
        # The courier the shopper chose at checkout is the one the parcel goes with.
        "ship": ShipForm(formdata=None, prefix="ship", carrier=order.shipping_label or ""),
        "deliver": ConfirmForm(formdata=None, prefix="deliver"),
        "return": ConfirmForm(formdata=None, prefix="return"),
        "resolve": ConfirmForm(formdata=None, prefix="resolve"),
    }
    for refund in reads.refunds_for(order.id):
        forms[f"retry-{refund.refund_key}"] = ConfirmForm(formdata=None, prefix=f"retry-{refund.refund_key}")
    return forms


def _render_detail(
    order: Order, *, forms: dict[str, Form] | None = None, notice: tuple[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    order_refunds = reads.refunds_for(order.id)
    api_refund = reads.can_refund_through_midtrans(order)
    # What the last verified Midtrans state allows: a capture is voided, a settlement refunded.
    can_void = reads.awaiting_settlement(order)
    context = {
        "order": order,
        "forms": {**_fresh_forms(order), **(forms or {})},
        "notice": notice,
        "refunds": order_refunds,
        "refund_totals": reads.refund_totals(order),
        "api_refund": api_refund,
        # ShopeePay and OVO: Midtrans refunds only the whole payment, so no items and no part of it.
        "full_refund_only": reads.full_refund_only_method(order),
        # Manual refunds are for what Midtrans cannot refund, or once it has refused (412).
        "manual_refund": not api_refund or any(r.status == "rejected" for r in order_refunds),
        "can_cancel": order.payment_status in actions.CANCELLABLE_ORDER_STATUSES,
        "can_decide": order.payment_status == S.UNDER_REVIEW and reads.challenged_attempt(order) is not None,
        "can_void": can_void,
        "can_refund": order.payment_status in refunds.REFUNDABLE_ORDER_STATUSES
        and reads.paid_attempt(order) is not None
        and not can_void,
        "shipment": shipment_for(order.id),
        # Goods leave once paid, also after a partial refund; shipping never waits on money matters.
        "can_ship": order.payment_status in SHIPPABLE and order.fulfilment_status == FulfilmentStatus.UNFULFILLED,
        "can_deliver": order.fulfilment_status == FulfilmentStatus.SHIPPED,
        "can_return": order.fulfilment_status in (FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED),
        "audit_entries": audit.entries_for_order(order.id),
    }
    return render_page_or_fragment(
        "admin/orders/detail.html", "admin/orders/_detail.html", DETAIL_ID, status=status, **context
    )
