"""The shopper's order timeline: placed -> paid -> shipped -> delivered (-> returned), with refunds where they happened.

Built from what the shop recorded (paid_at from verified Midtrans data, the shipment staff entered,
refunds that were made), never from what is only hoped for. Steps not reached yet are listed after
the reached ones while the order can still reach them; an unpaid order that ended shows none.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..courier_tracking import TrackingLink, tracking_link
from ..order_status import FulfilmentStatus, PaymentStatus
from ..payments.reads import refunds_for
from ..shipping import shipment_for

S = PaymentStatus

# Payment states in which the order is still on its way to the shopper (the next steps are shown).
_UNDERWAY = frozenset({S.AWAITING_PAYMENT, S.UNDER_REVIEW, S.PAID, S.PARTIALLY_REFUNDED})
# A refund changes the payment state (the status API's answer, or the manual record itself).
_REFUNDED = frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED})


@dataclass(frozen=True)
class Step:
    kind: str  # placed, paid, refund, shipped, delivered, returned: the template words each one
    at: datetime | None  # None: not reached yet (unless `happened`)
    amount_idr: int | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    tracking: TrackingLink | None = None
    # Reached at a time the shop did not record (a return marked before returned_at existed).
    happened: bool = False

    @property
    def done(self) -> bool:
        return self.at is not None or self.happened


class TimelineOrder(Protocol):
    """What the timeline reads of an order: the page's Order, or the status poll's PolledOrder."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def paid_at(self) -> datetime | None: ...
    @property
    def payment_status(self) -> str: ...
    @property
    def fulfilment_status(self) -> str: ...


def order_timeline(order: TimelineOrder) -> list[Step]:
    # Only orders that were shipped or refunded cost a query more (the order page and the status poll
    # have query budgets; an order that is still polled was neither).
    shipment = shipment_for(order.id) if order.fulfilment_status != FulfilmentStatus.UNFULFILLED else None
    refunds = refunds_for(order.id) if order.payment_status in _REFUNDED else []
    reached = [Step("placed", order.created_at)]
    if order.paid_at is not None:
        reached.append(Step("paid", order.paid_at))
    for refund in refunds:
        if refund.status == "succeeded":
            reached.append(Step("refund", refund.completed_at or refund.created_at, amount_idr=refund.amount_idr))
    if shipment is not None:
        reached.append(
            Step(
                "shipped",
                shipment.shipped_at,
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
                tracking=tracking_link(shipment.carrier, shipment.tracking_number),
            )
        )
        # A delivery stays in the history when the parcel later came back.
        if shipment.delivered_at is not None:
            reached.append(Step("delivered", shipment.delivered_at))
        if order.fulfilment_status == FulfilmentStatus.RETURNED:
            reached.append(Step("returned", shipment.returned_at, happened=True))
    # A step without a recorded time goes last (only a legacy return has none).
    reached.sort(key=lambda step: (step.at is None, step.at or order.created_at))
    if order.payment_status not in _UNDERWAY or order.fulfilment_status == FulfilmentStatus.RETURNED:
        return reached
    kinds = {step.kind for step in reached}
    upcoming = [Step(kind, None) for kind in ("paid", "shipped", "delivered") if kind not in kinds]
    return reached + upcoming
