""" "Cek pesanan": a shopper who lost the e-mail gets the order link again, at the address on the order;
nobody learns from the page whether an order exists, and the form cannot be hammered."""

import pytest
from sqlalchemy import event

from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.mail.outbox import deliver_pending
from tests.support.helpers import Shopper, forget_per_request_state


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    forget_per_request_state(app)


def ask_for_link(shopper, reference, contact):
    return shopper.post("/orders/lookup", {"reference": reference, "contact": contact})


def test_footer_links_to_the_order_lookup(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/orders/lookup"' in html
    assert "Cek pesanan" in html


# The order was placed as siti@example.co.id, 0812-3456-7890 (helpers.VALID_CUSTOMER).
@pytest.mark.parametrize("contact", ["siti@example.co.id", "  SITI@Example.CO.ID ", "0812 3456 7890", "+6281234567890"])
def test_the_link_is_emailed_to_the_address_on_the_order(shopper, placed_order, sent_mail, contact):
    response = ask_for_link(shopper, " " + placed_order.reference.lower(), contact)
    assert response.status_code == 303
    deliver_pending()
    [(to, subject, body)] = [m for m in sent_mail if m[1].startswith(f"Link pesanan kamu {placed_order.reference}")]
    assert to == placed_order.email
    assert f"/orders/{placed_order.access_token}" in body


def test_a_wrong_contact_sends_nothing_and_leaves_no_personal_data(shopper, placed_order, sent_mail):
    deliver_pending()  # the order's own "how to pay" e-mail
    sent_mail.clear()
    ask_for_link(shopper, placed_order.reference, "stranger@example.com")
    assert deliver_pending() == (0, 0)
    assert sent_mail == []
    [row] = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == "order_link")).scalars()
    assert row.status == "dropped"
    assert "stranger" not in repr(row.data) and row.recipient == ""


def statements_during(fn):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return result, statements


def test_found_and_not_found_give_the_same_answer_and_the_same_work(client, shopper, placed_order):
    """Same status, same Location, same page after it, and the same database statements in the request
    (the order table is not read while answering), so neither the answer nor its timing tells."""
    assert shopper.token  # fetch the CSRF token before counting
    real, real_statements = statements_during(lambda: ask_for_link(shopper, placed_order.reference, placed_order.email))
    fake, fake_statements = statements_during(lambda: ask_for_link(shopper, "SF-NOTREAL234", "nobody@example.com"))
    assert real.status_code == fake.status_code == 303
    assert real.headers["Location"] == fake.headers["Location"]
    assert real_statements == fake_statements
    assert client.get(real.headers["Location"]).get_data(as_text=True) == client.get(fake.headers["Location"]).get_data(
        as_text=True
    )


def test_the_answer_page_says_what_happens_in_both_languages(client, shopper):
    page = client.get(ask_for_link(shopper, "SF-NOTREAL234", "nobody@example.com").headers["Location"])
    assert "link halamannya sudah kami kirim ke alamat email pada pesanan" in page.get_data(as_text=True)
    shopper.post("/language", {"lang": "en", "next": "/"})
    page = client.get("/orders/lookup?sent=1")
    assert "we have sent the link to its page to the e-mail address on the order" in page.get_data(as_text=True)


def test_asking_again_within_a_quarter_hour_sends_one_email(shopper, placed_order, sent_mail):
    for _ in range(3):
        assert ask_for_link(shopper, placed_order.reference, placed_order.email).status_code == 303
    deliver_pending()
    assert len([m for m in sent_mail if m[1].startswith("Link pesanan")]) == 1


@pytest.mark.parametrize(
    "reference, contact, field, message",
    [
        ("", "budi@example.com", "reference", "Masukkan nomor pesanan kamu."),
        ("SF-ABCDEFGHJK", "", "contact", "Masukkan alamat email atau nomor HP pesanan."),
        ("SF-ABCDEFGHJK", "not a phone", "contact", "Masukkan alamat email atau nomor HP Indonesia"),
    ],
)
def test_bad_input_is_answered_422_beside_the_field_and_kept(shopper, reference, contact, field, message):
    response = ask_for_link(shopper, reference, contact)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    if contact:
        assert f'value="{contact}"' in html


def test_the_order_link_email_is_in_the_language_the_lookup_was_made_in(shopper, placed_order, sent_mail):
    shopper.post("/language", {"lang": "en", "next": "/"})
    ask_for_link(shopper, placed_order.reference, placed_order.email)
    deliver_pending()
    [(_to, subject, body)] = [m for m in sent_mail if m[1].startswith("The link")]
    assert subject.startswith(f"The link to your order {placed_order.reference}")
    assert "If you did not ask for it" in body


def test_lookups_are_rate_limited_per_ip_and_per_reference(make_app, db_kind):
    with make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_ORDER_LOOKUP="3/hour", RATELIMIT_ORDER_LOOKUP_REFERENCE="2/hour"
    ) as app:
        forget_per_request_state(app)

        one_ip = Shopper(app.test_client())
        codes = [ask_for_link(one_ip, f"SF-AAAAAAAA{i}{i}", "x@example.com").status_code for i in range(2, 6)]
        assert codes == [303, 303, 303, 429]

        # Another reference from other addresses is fine; the same reference from them is not.
        def from_ip(ip, reference):
            browser = Shopper(app.test_client())
            browser.client.environ_base["REMOTE_ADDR"] = ip
            return ask_for_link(browser, reference, "x@example.com").status_code

        assert [from_ip(f"10.0.0.{n}", "SF-BBBBBBBBBB") for n in range(1, 4)] == [303, 303, 429]
        assert from_ip("10.0.0.9", "SF-CCCCCCCCCC") == 303
