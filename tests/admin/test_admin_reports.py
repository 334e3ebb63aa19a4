"""The back office's home: orders, paid revenue, refunds and average order value for today / 7 / 30 days,
by payment method, a server-drawn chart of daily paid revenue; and the orders as CSV, one row per line."""

import csv
import io
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import event

from storefront.admin import reports
from storefront.extensions import db
from storefront.models import OrderItem, PaymentAttempt, Product
from storefront.payments.models import Refund
from storefront.vouchers.models import Voucher, VoucherUse
from tests.support.admin import make_order
from tests.support.helpers import make_product


def paid_order(total, paid_at, payment_type="qris", instructions=None, lines=(("Kopi Gayo", 85000, 2),)):
    order = make_order(status="paid", total=total, created_at=paid_at)
    order.paid_at = paid_at
    for name, price, quantity in lines:
        product = db.session.execute(db.select(Product).where(Product.name == name)).scalar_one_or_none()
        product = product or make_product(name, price=price)
        order.items.append(
            OrderItem(
                product_id=product.id,
                variant_id=product.variants[0].id,
                product_name=name,
                unit_price_idr=price,
                quantity=quantity,
                line_total_idr=price * quantity,
            )
        )
    order.attempts.append(
        PaymentAttempt(
            number=1,
            midtrans_order_id=f"{order.reference}-1",
            gross_amount_idr=total,
            expires_at=paid_at,
            transaction_status="settlement",
            payment_type=payment_type,
            instructions=instructions,
        )
    )
    db.session.commit()
    return order


def figure(html, days, name):
    block = re.search(rf'data-days="{days}">(.*?)</dl>', html, re.S).group(1)
    return re.search(rf'data-figure="{name}">([^<]+)<', block).group(1)


def test_home_shows_figures_per_period_and_by_method_with_a_chart(admin):
    now = datetime.now(timezone.utc)
    # Store days (WIB), whatever the hour the test runs at.
    with admin.client.application.test_request_context():
        today = reports.start_of(reports.today())
    paid_order(190000, today + timedelta(seconds=1), "qris")
    paid_order(110000, today - timedelta(days=3), "bank_transfer", {"kind": "va", "bank": "bca"})
    old = paid_order(50000, today - timedelta(days=20), "bank_transfer", {"kind": "va", "bank": "bca"})
    make_order(status="awaiting_payment")
    db.session.add(
        Refund(
            order_id=old.id,
            attempt_id=old.attempts[0].id,
            request_token="t" * 20,
            refund_key="r-1",
            method="manual",
            amount_idr=20000,
            status="succeeded",
            completed_at=now - timedelta(days=2),
        )
    )
    db.session.commit()
    response = admin.get("/admin/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert figure(html, 1, "paid") == "Rp190.000" and figure(html, 1, "orders") == "2"
    assert figure(html, 7, "paid") == "Rp300.000" and figure(html, 7, "average") == "Rp150.000"
    assert figure(html, 7, "refunded") == "Rp20.000"
    assert figure(html, 30, "paid") == "Rp350.000" and figure(html, 30, "orders") == "4"
    by_method = re.search(r'id="by-method">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"Virtual account BCA</td><td>2</td><td[^>]*>Rp160.000", by_method)
    assert re.search(r"QRIS</td><td>1</td><td[^>]*>Rp190.000", by_method)
    chart = re.search(r'<svg id="revenue-chart".*?</svg>', html, re.S).group(0)
    assert chart.count("<rect") == 30
    assert "Rp190.000</title>" in chart


def test_csv_export_has_one_row_per_order_line_in_whole_rupiah_and_store_time(admin):
    paid_at = datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc)  # 1 Dec 2026, 00:30 WIB
    order = paid_order(180000, paid_at, "qris", lines=(("Kopi Gayo", 85000, 1), ("Teh Tarik", 30000, 2)))
    order.items[0].variant_label, order.items[0].sku = "500 g", "GAYO-500"
    voucher = Voucher(code="HEMAT10", kind="percent", percent=10, usage_limit=5, used=1)
    db.session.add(voucher)
    db.session.flush()
    db.session.add(
        VoucherUse(
            voucher_id=voucher.id, order_id=order.id, email="siti@example.co.id", phone="6281", discount_idr=14500
        )
    )
    db.session.commit()
    paid_order(99000, paid_at - timedelta(days=5), "qris")  # placed outside the range
    response = admin.get("/admin/orders/export.csv?date_from=2026-12-01&date_to=2026-12-01")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, lines = rows[0], rows[1:]
    assert len(lines) == 2
    column = {name: header.index(name) for name in header}
    assert [line[column["Product"]] for line in lines] == ["Kopi Gayo", "Teh Tarik"]
    # The variant and SKU per line, and the order's voucher beside its shipping, for the bookkeeper.
    assert [(line[column["Variant"]], line[column["SKU"]]) for line in lines] == [("500 g", "GAYO-500"), ("", "")]
    assert {(line[column["Voucher"]], line[column["Order discount (Rp)"]]) for line in lines} == {("HEMAT10", "14500")}
    assert [line[column["Line total (Rp)"]] for line in lines] == ["85000", "60000"]
    assert lines[0][column["Paid"]] == "2026-12-01 00:30 WIB"
    assert lines[0][column["Payment method"]] == "QRIS" and lines[0][column["Payment status"]] == "Paid"


def test_a_long_export_is_read_in_batches_with_each_orders_refund(admin):
    """Hundreds of orders: every line is there, in order, with its own refunds, at a handful of queries
    per batch of orders rather than a few per order."""
    paid_at = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
    orders = [paid_order(85000, paid_at + timedelta(seconds=n)) for n in range(450)]
    for order in orders[::50]:
        db.session.add(
            Refund(
                order_id=order.id,
                request_token=f"rq-{order.id}",
                refund_key=f"rk-{order.id}",
                method="manual",
                amount_idr=10000 + order.id,
                status="succeeded",
            )
        )
    db.session.commit()
    refunded = {order.reference: 10000 + order.id for order in orders[::50]}
    statements = []

    def record(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = admin.get("/admin/orders/export.csv?date_from=2026-11-30&date_to=2026-11-30")
        body = response.get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, lines = rows[0], rows[1:]
    order_column, refunded_column = header.index("Order"), header.index("Order refunded (Rp)")
    assert [line[order_column] for line in lines] == [order.reference for order in orders]
    assert {
        line[order_column]: int(line[refunded_column]) for line in lines if line[refunded_column] != "0"
    } == refunded
    assert len(statements) < 40  # 3 batches x (orders, items, attempts, vouchers, refunds) + the staff session


def test_a_backwards_range_is_refused_beside_the_field(admin):
    response = admin.get("/admin/orders/export.csv?date_from=2026-12-05&date_to=2026-12-01")
    assert response.status_code == 422
    assert "The last day comes before the first." in response.get_data(as_text=True)
