"""Staff sign-in: accounts from the CLI, one vague error for every failure, time limits, rate limit,
and nothing under /admin for anyone else."""

import re
from datetime import timedelta

import pytest
from flask import g

from storefront import create_app
from storefront.admin.accounts import create_staff, deactivate
from storefront.admin.models import AuditEntry, StaffUser
from storefront.admin.staff_sessions import StaffSession
from storefront.extensions import db
from storefront.models import utcnow
from tests.support.admin import STAFF_EMAIL, STAFF_PASSWORD, StaffBrowser
from tests.support.helpers import CSRF_PATTERN, Shopper, make_product


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def sample_url(rule):
    # An int converter refuses "SF-SAMPLE" with 404 before the sign-in check would answer: give it a number.
    return re.sub(r"<[^>]+>", "SF-SAMPLE", re.sub(r"<int:[^>]+>", "1", rule.rule))


# ---------------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------------


def test_cli_creates_an_account_with_a_scrypt_hash(app):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "Owner@Toko.Example"], input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    staff = db.session.execute(db.select(StaffUser)).scalar_one()
    assert staff.email == "owner@toko.example"
    assert staff.password_hash.startswith("scrypt:")
    assert STAFF_PASSWORD not in staff.password_hash and STAFF_PASSWORD not in result.output


@pytest.mark.parametrize(
    "typed, message",
    [
        ("short-pass\nshort-pass\n", "at least 12 characters"),
        (f"{STAFF_PASSWORD}\nsomething-else-12\n", "do not match"),
    ],
)
def test_cli_refuses_a_short_or_mistyped_password(app, typed, message):
    result = app.test_cli_runner().invoke(args=["admin", "create", "owner@toko.example"], input=typed + typed)
    assert message in result.output
    assert db.session.execute(db.select(StaffUser)).first() is None


def test_cli_refuses_a_second_account_for_the_same_email(app, staff):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", STAFF_EMAIL.upper()], input=f"{STAFF_PASSWORD}\n" * 2
    )
    assert result.exit_code != 0 and "already an account" in result.output


# ---------------------------------------------------------------------------------------------------
# Signing in and out
# ---------------------------------------------------------------------------------------------------


def test_sign_in_leads_to_the_orders_page_and_is_audited(app, staff):
    browser = StaffBrowser(app.test_client())
    response = browser.sign_in()
    assert response.status_code == 303 and response.headers["Location"] == "/admin/orders"
    page = browser.get("/admin/orders")
    assert page.status_code == 200 and 'id="order-results"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert [e.action for e in db.session.execute(db.select(AuditEntry)).scalars()] == ["login"]


def test_wrong_password_and_unknown_email_get_the_same_answer(app, staff):
    def attempt(email, password):
        response = StaffBrowser(app.test_client()).sign_in(email, password)
        # Everything but the tokens and the e-mail typed in must be the same.
        html = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.get_data(as_text=True))
        return response.status_code, html

    wrong_password = attempt(STAFF_EMAIL, "not-the-password-at-all")
    unknown_email = attempt("nobody@toko.example", "not-the-password-at-all")
    assert wrong_password[0] == unknown_email[0] == 422
    assert "E-mail or password is incorrect." in wrong_password[1]
    assert wrong_password[1] == unknown_email[1]


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(app, admin):
    deactivate(STAFF_EMAIL)
    assert admin.get("/admin/orders").status_code == 302
    assert admin.sign_in().status_code == 422


def test_sign_in_form_needs_its_csrf_token(app, staff):
    response = app.test_client().post("/admin/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert response.status_code == 400


def test_sign_out_is_a_post_and_ends_the_staff_session(admin):
    response = admin.post("/admin/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"
    assert admin.get("/admin/orders").status_code == 302


def test_after_sign_in_the_browser_returns_to_the_page_it_asked_for(app, staff):
    browser = StaffBrowser(app.test_client())
    first = browser.get("/admin/products?q=kopi")
    assert first.status_code == 302 and first.headers["Location"].startswith("/admin/login?next=")
    response = browser.post(first.headers["Location"], {"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert response.headers["Location"] == "/admin/products?q=kopi"


@pytest.mark.parametrize("next_url", ["https://evil.example/admin", "//evil.example", "/cart/", "/admin.evil"])
def test_next_only_leads_to_back_office_pages(app, staff, next_url):
    browser = StaffBrowser(app.test_client())
    response = browser.post("/admin/login", {"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "next": next_url})
    assert response.headers["Location"] == "/admin/orders"


def _age_session(**ages):
    """Move the server-side session's clock back: created_at / last_seen_at by so many seconds."""
    row = db.session.execute(db.select(StaffSession).where(StaffSession.ended_at.is_(None))).scalar_one()
    for column, seconds in ages.items():
        setattr(row, column, utcnow() - timedelta(seconds=seconds))
    db.session.commit()


def test_session_ends_after_30_idle_minutes(admin):
    _age_session(last_seen_at=31 * 60)
    assert admin.get("/admin/orders").status_code == 302
    with admin.client.session_transaction() as session:
        assert "staff_session" not in session
    assert db.session.execute(db.select(StaffSession.ended_reason)).scalar_one() == "idle"
    assert '<html lang="en">' in admin.get("/").get_data(as_text=True)  # the shopper's language survives


def test_session_ends_8_hours_after_sign_in_even_when_busy(admin):
    _age_session(created_at=8 * 3600 + 1)
    assert admin.get("/admin/orders").status_code == 302


def test_activity_keeps_the_session_alive(admin):
    _age_session(last_seen_at=29 * 60)
    assert admin.get("/admin/orders").status_code == 200
    _age_session(last_seen_at=29 * 60)  # the request above refreshed it; age it again
    assert admin.get("/admin/orders").status_code == 200


def _copy_of_cookie(app, browser):
    """Another browser holding a copy of this one's session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie(
        app.config["SESSION_COOKIE_NAME"], browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    )
    return thief


def test_after_sign_out_a_copy_of_the_old_cookie_no_longer_opens_the_back_office(app, admin):
    thief = _copy_of_cookie(app, admin)
    assert thief.get("/admin/orders").status_code == 200
    assert admin.post("/admin/logout").status_code == 303
    assert thief.get("/admin/orders").status_code == 302


@pytest.mark.parametrize("command", [["admin", "password", STAFF_EMAIL], ["admin", "deactivate", STAFF_EMAIL]])
def test_a_password_change_or_deactivation_ends_every_session_of_the_account_at_once(app, admin, command):
    other = StaffBrowser(app.test_client())
    assert other.sign_in().status_code == 303
    result = app.test_cli_runner().invoke(args=command, input=f"{STAFF_PASSWORD}-new\n" * 2)
    assert result.exit_code == 0, result.output
    assert admin.get("/admin/orders").status_code == 302
    assert other.get("/admin/orders").status_code == 302


def test_sign_in_gives_a_new_session_id_and_csrf_token(app, staff):
    browser = StaffBrowser(app.test_client())
    before = browser.token()
    planted = _copy_of_cookie(app, browser)  # a cookie fixed before sign-in, e.g. by an attacker
    assert browser.sign_in().status_code == 303
    after = CSRF_PATTERN.search(browser.get("/admin/orders").get_data(as_text=True))
    assert before not in (after.group(1), after.group(2))
    assert planted.get("/admin/orders").status_code == 302
    with browser.client.session_transaction() as session:
        first = session["staff_session"]
    browser.post("/admin/logout")
    browser.csrf = None
    assert browser.sign_in().status_code == 303
    with browser.client.session_transaction() as session:
        assert session["staff_session"] != first
    assert (
        db.session.execute(db.select(db.func.count(StaffSession.id)).where(StaffSession.ended_at.is_(None))).scalar()
        == 1
    )


def test_the_database_holds_no_usable_session_id(admin):
    with admin.client.session_transaction() as session:
        token = session["staff_session"]
    stored = db.session.execute(db.select(StaffSession.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64


@pytest.fixture
def limited_app(app_config):
    limited = create_app({**app_config, "RATELIMIT_ENABLED": True})

    @limited.before_request
    def forget_csrf_token():  # one browser per client, as in conftest.py
        g.pop("csrf_token", None)

    with limited.app_context():
        yield limited
        db.session.remove()
        db.engine.dispose()


def _failed_sign_in(app, email, ip):
    browser = StaffBrowser(app.test_client())
    browser.client.environ_base["REMOTE_ADDR"] = ip
    return browser.post("/admin/login", {"email": email, "password": "wrong-password-123"}).status_code


def test_failed_sign_ins_are_limited_per_ip(limited_app):
    codes = [_failed_sign_in(limited_app, f"x{i}@toko.example", "203.0.113.7") for i in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
    assert _failed_sign_in(limited_app, "y@toko.example", "203.0.113.8") == 422  # another IP is not held up


def test_failed_sign_ins_are_limited_per_account_from_any_ip(limited_app):
    codes = [_failed_sign_in(limited_app, "owner@toko.example", f"198.51.100.{i}") for i in range(6)]
    assert codes[:5] == [422] * 5 and codes[5] == 429
    assert _failed_sign_in(limited_app, "other@toko.example", "198.51.100.99") == 422  # another account is not


def test_successful_sign_ins_do_not_count_against_the_limits(limited_app):
    create_staff(STAFF_EMAIL, STAFF_PASSWORD)
    for _ in range(7):
        assert StaffBrowser(limited_app.test_client()).sign_in().status_code == 303


# ---------------------------------------------------------------------------------------------------
# Nobody else gets in: every admin URL, anonymous and shopper
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(params=["anonymous", "shopper"])
def outsider(request, app, client):
    """A browser without a staff sign-in: a fresh one, or a shopper with a cart, an order and a language."""
    outsider = Shopper(client)
    if request.param == "shopper":
        product = make_product(stock=5)
        outsider.add(product.id)
        outsider.checkout()
        outsider.post("/language", {"lang": "en", "next": "/"})
    return outsider


def test_every_admin_page_redirects_outsiders_to_sign_in(app, outsider):
    rules = [r for r in admin_rules(app) if "GET" in r.methods and r.endpoint != "admin.login"]
    assert len(rules) >= 8
    for rule in rules:
        response = outsider.client.get(sample_url(rule))
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/admin/login?next="), rule.rule


def test_every_admin_page_answers_403_to_outsiders_htmx_requests(app, outsider):
    for rule in [r for r in admin_rules(app) if "GET" in r.methods and r.endpoint != "admin.login"]:
        response = outsider.client.get(sample_url(rule), headers={"HX-Request": "true", "HX-Target": "order-results"})
        assert response.status_code == 403, rule.rule
        assert response.headers["HX-Redirect"].startswith("/admin/login"), rule.rule


def test_every_admin_action_answers_403_to_outsiders_even_with_a_valid_csrf_token(app, outsider):
    rules = [r for r in admin_rules(app) if "POST" in r.methods and r.endpoint != "admin.login"]
    assert len(rules) >= 14
    for rule in rules:
        response = outsider.post(sample_url(rule), {"cancel-confirm": "y", "confirm": "y"})
        assert response.status_code == 403, rule.rule


def test_a_staff_member_reaches_every_admin_page(app, admin):
    for rule in [r for r in admin_rules(app) if "GET" in r.methods and not r.arguments]:
        assert admin.get(rule.rule).status_code in (200, 302), rule.rule


def test_cli_sets_a_new_password_and_deactivates(app, staff):
    runner = app.test_cli_runner()
    new_password = "a-brand-new-password-2026"
    assert (
        runner.invoke(args=["admin", "password", STAFF_EMAIL], input=f"{new_password}\n{new_password}\n").exit_code == 0
    )
    assert StaffBrowser(app.test_client()).sign_in(STAFF_EMAIL, STAFF_PASSWORD).status_code == 422
    assert StaffBrowser(app.test_client()).sign_in(STAFF_EMAIL, new_password).status_code == 303
    assert runner.invoke(args=["admin", "deactivate", STAFF_EMAIL]).exit_code == 0
    assert StaffBrowser(app.test_client()).sign_in(STAFF_EMAIL, new_password).status_code == 422
    assert runner.invoke(args=["admin", "deactivate", "nobody@toko.example"]).exit_code != 0


def test_outsiders_posting_without_htmx_get_a_403_page_that_leads_to_sign_in(app, client):
    response = Shopper(client).post("/admin/orders/SF-X/cancel", {"cancel-confirm": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "<html" in html
    assert 'href="/admin/login?next=' in html
