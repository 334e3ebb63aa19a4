"""The merchant's figures: orders, paid revenue, refunds and average order value for today, 7 and 30 days,
paid revenue by payment method, and paid revenue per day (for the chart). Days are the store's days
(STORE_TIMEZONE); money is integer rupiah. A paid order counts on the day Midtrans confirmed it
(`paid_at`), whatever happened to it later; refunds count on the day they were made.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func

from ..extensions import db
from ..models import Order, PaymentAttempt
from ..payments.models import Refund
from ..payments.reads import PAID_TRANSACTION_STATUSES
from ..payments.words import payment_method_label
from ..store_time import store_zone

PERIODS = (1, 7, 30)
CHART_DAYS = 30


@dataclass(frozen=True)
class Figures:
    days: int
    orders: int
    paid_orders: int
    paid_idr: int
    refunded_idr: int

    @property
    def average_idr(self) -> int:
        # Whole rupiah, rounded down: IDR has no smaller unit.
        return self.paid_idr // self.paid_orders if self.paid_orders else 0


@dataclass(frozen=True)
class MethodFigures:
    label: str
    paid_orders: int
    paid_idr: int


@dataclass(frozen=True)
class Day:
    day: date
    paid_idr: int


def today() -> date:
    return datetime.now(store_zone()).date()


def start_of(day: date) -> datetime:
    """Midnight of a store day, as an aware datetime (compared with UTC columns)."""
    return datetime.combine(day, time.min, tzinfo=store_zone())


def since(days: int) -> datetime:
    return start_of(today() - timedelta(days=days - 1))


def figures(days: int) -> Figures:
    start = since(days)
    placed = db.session.execute(db.select(func.count(Order.id)).where(Order.created_at >= start)).scalar_one()
    paid_orders, paid_idr = db.session.execute(
        db.select(func.count(Order.id), func.coalesce(func.sum(Order.total_idr), 0)).where(Order.paid_at >= start)
    ).one()
    refunded = db.session.execute(
        db.select(func.coalesce(func.sum(Refund.amount_idr), 0)).where(
            Refund.status == "succeeded", Refund.completed_at >= start
        )
    ).scalar_one()
    return Figures(days, placed, paid_orders, int(paid_idr), int(refunded))


def by_payment_method(days: int) -> list[MethodFigures]:
    """Paid orders of the period by how they were paid (the attempt Midtrans holds the money for)."""
    rows = db.session.execute(
        db.select(PaymentAttempt.payment_type, PaymentAttempt.instructions, Order.total_idr)
        .join(Order, Order.id == PaymentAttempt.order_id)
        .where(Order.paid_at >= since(days), PaymentAttempt.transaction_status.in_(PAID_TRANSACTION_STATUSES))
    ).all()
    totals: dict[str, list[int]] = {}
    for payment_type, instructions, total in rows:
        entry = totals.setdefault(str(payment_method_label(payment_type, instructions)), [0, 0])
        entry[0] += 1
        entry[1] += total
    return sorted(
        (MethodFigures(label, count, amount) for label, (count, amount) in totals.items()),
        key=lambda m: (-m.paid_idr, m.label),
    )


def daily_paid(days: int = CHART_DAYS) -> list[Day]:
    """Paid revenue per store day, oldest first, days without sales included (as 0)."""
    first = today() - timedelta(days=days - 1)
    rows = db.session.execute(db.select(Order.paid_at, Order.total_idr).where(Order.paid_at >= start_of(first))).all()
    zone = store_zone()
    sums = {first + timedelta(days=n): 0 for n in range(days)}
    for paid_at, total in rows:
        day = paid_at.astimezone(zone).date()
        if day in sums:
            sums[day] += total
    return [Day(day, amount) for day, amount in sums.items()]
