"""Line refunds of a voucher-discounted order give back what was paid for the units: their price less
their share of the items' discount (stored on each line at checkout, pro rata, rounded down, the
remainder on the last line). Refunding a line in any steps returns exactly its total less its share."""

import itertools

import pytest

from storefront.extensions import db
from storefront.models import OrderItem
from storefront.payments.models import Refund
from storefront.products import Category
from storefront.vouchers.allocation import refund_for_units
from storefront.vouchers.models import KIND_FIXED, Voucher
from tests.admin.test_admin_line_refunds import line_refund
from tests.support.admin import settle
from tests.support.helpers import make_product, the_order

# 3 x Kopi Gayo (Rp255.000) + 1 x Teh Tarik (Rp30.000) = Rp285.000; a fixed Rp10.001 off the items.
# Kopi's share: 10.001 x 255.000 // 285.000 = 8.948; Teh gets the rest, 1.053.
KOPI_SHARE, TEH_SHARE = 8948, 1053


@pytest.fixture
def teh(app):
    return make_product("Teh Tarik", price=30000, stock=5)


@pytest.fixture
def potong(app):
    voucher = Voucher(code="POTONG", kind=KIND_FIXED, amount_idr=10001, usage_limit=None, per_customer_limit=None)
    db.session.add(voucher)
    db.session.commit()
    return voucher


@pytest.fixture
def discounted(shopper, kopi, teh, potong, admin, sandbox):
    shopper.add(kopi.id, 3)
    shopper.add(teh.id, 1)
    shopper.post("/cart/voucher", {"code": "potong"})
    assert shopper.checkout().status_code == 303
    order = the_order()
    assert order.total_idr == 285000 - 10001 + order.shipping_idr
    settle(sandbox, order, "qris")
    admin.act(order.reference, "recheck", confirm=False)
    assert the_order().payment_status == "paid"
    return the_order()


def shares(order):
    return {item.product_name: item.discount_idr for item in order.items}


def refunded_amounts():
    db.session.expire_all()
    return [r.amount_idr for r in db.session.execute(db.select(Refund).order_by(Refund.id)).scalars()]


def test_checkout_stores_each_lines_share_of_the_items_discount(discounted):
    assert shares(discounted) == {"Kopi Gayo": KOPI_SHARE, "Teh Tarik": TEH_SHARE}


def test_refunding_every_line_unit_by_unit_gives_back_exactly_what_was_paid_for_the_items(admin, discounted):
    for _ in range(3):
        assert line_refund(admin, discounted, {"Kopi Gayo": 1}).status_code == 200
    assert line_refund(admin, discounted, {"Teh Tarik": 1}).status_code == 200
    # Kopi's share per step: 8948*1//3 = 2982, then 5965 - 2982 = 2983, then 8948 - 5965 = 2983.
    assert refunded_amounts() == [85000 - 2982, 85000 - 2983, 85000 - 2983, 30000 - TEH_SHARE]
    assert sum(refunded_amounts()) == 285000 - 10001
    assert the_order().payment_status == "partially_refunded"  # the shipping is still paid


def test_a_whole_line_in_one_step_equals_its_steps_of_one_unit(admin, discounted):
    assert line_refund(admin, discounted, {"Kopi Gayo": 3, "Teh Tarik": 1}).status_code == 200
    assert refunded_amounts() == [(255000 - KOPI_SHARE) + (30000 - TEH_SHARE)]


def test_the_form_shows_the_lines_share_and_the_confirmation_the_deduction(admin, discounted):
    html = admin.order_page(discounted.reference)
    assert "Less this item's share of the voucher discount: Rp8.948 for all 3." in html
    response = line_refund(admin, discounted, {"Kopi Gayo": 2}, confirm=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This refund: Rp164.035" in html  # 2 x 85.000 - 8948*2//3
    assert "(the items' price less Rp5.965 of voucher discount)" in html


def test_the_form_speaks_indonesian_too(admin, discounted):
    admin.post("/language", {"lang": "id", "next": "/"})
    html = admin.order_page(discounted.reference)
    assert "Dikurangi bagian diskon voucher untuk barang ini: Rp8.948 untuk semua 3." in html


def test_a_line_outside_the_vouchers_categories_carries_no_share(shopper, kopi, teh, admin, app):
    category = Category(name="Kopi", slug="kopi")
    db.session.add(category)
    db.session.flush()
    kopi.category_id = category.id
    voucher = Voucher(code="KOPI", kind=KIND_FIXED, amount_idr=5000, usage_limit=None, per_customer_limit=None)
    voucher.categories.append(category)
    db.session.add(voucher)
    db.session.commit()
    shopper.add(kopi.id, 1)
    shopper.add(teh.id, 1)
    shopper.post("/cart/voucher", {"code": "KOPI"})
    assert shopper.checkout().status_code == 303
    assert shares(the_order()) == {"Kopi Gayo": 5000, "Teh Tarik": 0}


def test_a_line_without_a_stored_share_is_refunded_at_its_price(admin, discounted):
    # An order placed before shares were stored.
    db.session.execute(db.update(OrderItem).values(discount_idr=0))
    db.session.commit()
    assert line_refund(admin, discounted, {"Kopi Gayo": 1}).status_code == 200
    assert refunded_amounts() == [85000]


@pytest.mark.parametrize("quantity, discount", [(1, 0), (3, 8948), (4, 7), (5, 499999), (7, 1)])
def test_any_steps_of_a_line_add_up_to_its_total_less_its_share(quantity, discount):
    price = 100000
    for cuts in itertools.chain.from_iterable(itertools.combinations(range(1, quantity), n) for n in range(quantity)):
        bounds = [0, *cuts, quantity]
        steps = [
            refund_for_units(price, quantity, discount, start, end - start) for start, end in itertools.pairwise(bounds)
        ]
        assert sum(steps) == price * quantity - discount
        assert all(
            0 <= step <= price * (end - start)
            for step, (start, end) in zip(steps, itertools.pairwise(bounds), strict=True)
        )
