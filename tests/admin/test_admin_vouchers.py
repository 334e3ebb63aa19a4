"""Vouchers in the back office: created, edited and deactivated with messages beside the fields, their
validity typed in the store's time zone, and the list of uses with their orders; `flask seed` adds one."""

import re
from datetime import datetime, timezone

from storefront.admin.models import AuditEntry
from storefront.database import write_transaction
from storefront.extensions import db
from storefront.vouchers.models import Voucher
from storefront.vouchers.rules import Line, Refusal
from storefront.vouchers.usage import evaluate, take_use
from tests.support.helpers import make_category

NEW = {
    "code": " hemat 10 ",
    "kind": "percent",
    "percent": "10",
    "max_discount_idr": "25000",
    "min_subtotal_idr": "100000",
    "starts_at": "2026-12-12T00:00",
    "ends_at": "2026-12-13T00:00",
    "usage_limit": "100",
    "per_customer_limit": "1",
    "active": "y",
}


def vouchers():
    db.session.rollback()
    return db.session.execute(db.select(Voucher)).scalars().all()


def error_beside(html, field):
    match = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def test_a_new_voucher_is_saved_with_its_code_in_capitals_and_its_window_in_store_time(admin):
    response = admin.post("/admin/vouchers", NEW)
    assert response.status_code == 303
    (voucher,) = vouchers()
    assert (voucher.code, voucher.percent, voucher.max_discount_idr, voucher.used) == ("HEMAT10", 10, 25000, 0)
    # Midnight in Jakarta (WIB, UTC+7) is 17:00 UTC the day before.
    assert voucher.starts_at == datetime(2026, 12, 11, 17, 0, tzinfo=timezone.utc)
    assert voucher.ends_at == datetime(2026, 12, 12, 17, 0, tzinfo=timezone.utc)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="2026-12-12T00:00"' in page and "HEMAT10" in page
    assert "HEMAT10" in admin.get("/admin/vouchers").get_data(as_text=True)
    assert db.session.execute(db.select(AuditEntry.action)).scalars().all()[-1] == "voucher_save"


def test_mistakes_are_named_beside_their_fields_and_nothing_typed_is_lost(admin):
    response = admin.post(
        "/admin/vouchers", NEW | {"code": "a b", "percent": "", "ends_at": "2026-12-11T00:00", "usage_limit": "0"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "letters, digits" in error_beside(html, "code")
    assert error_beside(html, "percent") == "Enter the percentage."
    assert error_beside(html, "ends_at") == "The end must be after the start."
    assert "whole number of uses" in error_beside(html, "usage_limit")
    assert 'value="25000"' in html and 'value="2026-12-12T00:00"' in html
    assert vouchers() == []


def test_a_fixed_voucher_needs_its_amount(admin):
    html = admin.post("/admin/vouchers", NEW | {"kind": "fixed", "amount_idr": ""}).get_data(as_text=True)
    assert error_beside(html, "amount_idr") == "Enter the amount in rupiah."


def test_a_code_is_unique_whatever_its_case(admin):
    assert admin.post("/admin/vouchers", NEW).status_code == 303
    response = admin.post("/admin/vouchers", NEW | {"code": "Hemat10"})
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "code") == "Another voucher already has this code."
    assert len(vouchers()) == 1


def test_an_edit_changes_the_terms_but_never_the_limit_below_the_uses_taken(admin, placed):
    admin.post("/admin/vouchers", NEW | {"starts_at": "", "ends_at": ""})
    (voucher,) = vouchers()
    with write_transaction():
        assert take_use(voucher, placed.id, placed.email, placed.phone, 5000) is None
    response = admin.post(f"/admin/vouchers/{voucher.id}", NEW | {"usage_limit": "0"})
    assert response.status_code == 422
    response = admin.post(f"/admin/vouchers/{voucher.id}", NEW | {"kind": "fixed", "amount_idr": "15000"})
    assert response.status_code == 303
    (voucher,) = vouchers()
    assert (voucher.kind, voucher.amount_idr, voucher.percent, voucher.used) == ("fixed", 15000, None, 1)
    page = admin.get(f"/admin/vouchers/{voucher.id}").get_data(as_text=True)
    # The uses, each with its order.
    assert placed.reference in page and "Rp5.000" in page.replace("\xa0", "")


def test_a_category_restriction_is_kept_and_applied(admin):
    batik = make_category("Batik", "batik")
    admin.post("/admin/vouchers", NEW | {"starts_at": "", "ends_at": "", "categories": str(batik.id)})
    (voucher,) = vouchers()
    assert [c.slug for c in voucher.categories] == ["batik"]
    assert evaluate("HEMAT10", [Line(150000, None)], 0)[1] is Refusal.NO_ELIGIBLE_ITEM


def test_a_deactivated_voucher_is_refused_to_shoppers(admin):
    admin.post("/admin/vouchers", NEW | {"starts_at": "", "ends_at": ""})
    (voucher,) = vouchers()
    assert evaluate("hemat10", [Line(150000)], 0)[1].total_idr == 15000
    response = admin.post(f"/admin/vouchers/{voucher.id}/deactivate")
    assert response.status_code == 303
    assert vouchers()[0].active is False
    assert evaluate("hemat10", [Line(150000)], 0)[1] is Refusal.UNKNOWN
    assert "Deactivated" in admin.get("/admin/vouchers").get_data(as_text=True)


def test_flask_seed_adds_the_demo_voucher_once(app):
    from storefront.commands import seed_demo_voucher

    assert seed_demo_voucher() == 1
    assert seed_demo_voucher() == 0
    assert [v.code for v in vouchers()] == ["HEMAT10"]
