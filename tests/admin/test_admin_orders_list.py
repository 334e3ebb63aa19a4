"""The orders list: filters, search, dates, pages, totals per status (one query), htmx fragments."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from storefront.extensions import db
from tests.support.admin import make_order


def references(response):
    import re

    return re.findall(r'data-reference="([^"]+)"', response.get_data(as_text=True))


def count(response, status):
    import re

    match = re.search(
        rf'data-status="{status}"[^>]*>\s*[^<]*<span class="chip__count">(\d+)</span>', response.get_data(as_text=True)
    )
    return int(match.group(1))


@pytest.fixture
def orders(app):
    return {
        "waiting": make_order("awaiting_payment", email="budi@example.co.id", phone="+6281111111111"),
        "paid": make_order("paid", email="ani@example.co.id", phone="+6282222222222"),
        "paid_late": make_order("paid", attention="paid_after_release", phone="+6283333333333"),
        "review": make_order("under_review", attention="under_review", phone="+6284444444444"),
        "expired": make_order("expired", phone="+6285555555555"),
    }


def test_totals_per_status_come_from_one_grouped_query(app, admin, orders):
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        response = admin.get("/admin/orders")
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert response.status_code == 200
    assert sum("GROUP BY" in s for s in statements) == 1
    assert count(response, "all") == 5
    assert count(response, "paid") == 2
    assert count(response, "attention") == 2
    assert count(response, "refunded") == 0


@pytest.mark.parametrize(
    "status, expected",
    [("paid", {"paid", "paid_late"}), ("attention", {"paid_late", "review"}), ("expired", {"expired"}), ("", None)],
)
def test_filter_by_status_and_needs_attention(admin, orders, status, expected):
    shown = set(references(admin.get(f"/admin/orders?status={status}")))
    expected = set(orders) if expected is None else expected
    assert shown == {orders[key].reference for key in expected}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("budi@", "waiting"),
        ("ANI@EXAMPLE", "paid"),
        ("0822 2222 2222", "paid"),
        ("+6283333333333", "paid_late"),
        ("44444", "review"),
    ],
)
def test_search_by_email_or_phone(admin, orders, query, expected):
    assert references(admin.get("/admin/orders", query_string={"q": query})) == [orders[expected].reference]


def test_search_by_reference(admin, orders):
    reference = orders["expired"].reference
    assert references(admin.get("/admin/orders", query_string={"q": reference.lower()})) == [reference]


def test_search_treats_wildcards_literally(admin, orders):
    assert references(admin.get("/admin/orders", query_string={"q": "%"})) == []


def test_date_range_uses_the_shops_calendar_days(admin, app):
    # 2026-11-01 23:30 in Jakarta is 16:30 UTC the same day; 2026-11-02 00:30 Jakarta is 17:30 UTC on the 1st.
    late_on_first = make_order(created_at=datetime(2026, 11, 1, 16, 30, tzinfo=timezone.utc))
    early_on_second = make_order(created_at=datetime(2026, 11, 1, 17, 30, tzinfo=timezone.utc))
    on_third = make_order(created_at=datetime(2026, 11, 3, 5, 0, tzinfo=timezone.utc))
    shown = references(admin.get("/admin/orders?date_from=2026-11-02&date_to=2026-11-02"))
    assert shown == [early_on_second.reference]
    shown = references(admin.get("/admin/orders?date_to=2026-11-01"))
    assert shown == [late_on_first.reference]
    assert on_third.reference in references(admin.get("/admin/orders?date_from=2026-11-03"))


def test_a_malformed_date_is_reported_and_ignored(admin, orders):
    response = admin.get("/admin/orders?date_from=yesterday")
    assert response.status_code == 200
    assert "Use the format YYYY-MM-DD." in response.get_data(as_text=True)
    assert len(references(response)) == 5


def test_pages_of_25_newest_first(admin, app):
    made = [make_order(created_at=datetime(2026, 11, 1, 0, minute, tzinfo=timezone.utc)) for minute in range(30)]
    first = references(admin.get("/admin/orders"))
    second = references(admin.get("/admin/orders?page=2"))
    assert first == [o.reference for o in reversed(made)][:25]
    assert second == [o.reference for o in reversed(made)][25:]


def test_htmx_filtering_gets_only_the_results_fragment(admin, orders):
    response = admin.get("/admin/orders?status=paid", htmx_target="order-results")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="order-results"')
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert len(references(response)) == 2


def test_a_boosted_navigation_gets_the_whole_page(admin, orders):
    response = admin.client.get("/admin/orders?status=paid", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_filter_by_shipping_state(admin):
    from storefront.extensions import db as database
    from tests.support.admin import make_order

    waiting = make_order(status="paid")
    sent = make_order(status="partially_refunded")
    sent.fulfilment_status = "shipped"
    database.session.commit()
    shown = set(references(admin.get("/admin/orders?fulfilment=shipped")))
    assert shown == {sent.reference}
    assert waiting.reference in set(references(admin.get("/admin/orders?fulfilment=unfulfilled")))
    # A code that is no state is refused beside its field, and ignored.
    response = admin.get("/admin/orders?fulfilment=lost")
    assert response.status_code == 200 and {waiting.reference, sent.reference} <= set(references(response))


def test_the_status_chips_count_the_orders_of_the_chosen_shipping_state(admin):
    from storefront.extensions import db as database

    make_order(status="paid")
    make_order(status="paid")
    shipped = [make_order(status="paid"), make_order(status="partially_refunded")]
    for order in shipped:
        order.fulfilment_status = "shipped"
    database.session.commit()
    everything = admin.get("/admin/orders")
    assert (count(everything, "all"), count(everything, "paid")) == (4, 3)
    response = admin.get("/admin/orders?fulfilment=shipped")
    # Each chip counts what its link (which keeps the shipping filter) lists.
    assert (count(response, "all"), count(response, "paid"), count(response, "partially_refunded")) == (2, 1, 1)
    assert len(references(admin.get("/admin/orders?fulfilment=shipped&status=paid"))) == 1
    assert "fulfilment=shipped" in response.get_data(as_text=True).split('data-status="paid"')[0].rsplit("<a", 1)[1]
    unfulfilled = admin.get("/admin/orders?fulfilment=unfulfilled")
    assert (count(unfulfilled, "all"), count(unfulfilled, "paid"), count(unfulfilled, "partially_refunded")) == (
        2,
        2,
        0,
    )
