"""Vouchers in the back office: the list with a form for a new one, one voucher's page (edit, deactivate,
the uses with their orders)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..vouchers.models import Voucher
from ..vouchers.usage import uses_of
from .blueprint import bp
from .forms import EmptyForm
from .voucher_forms import VoucherForm
from .vouchers import VoucherError, category_choices, deactivate_voucher, save_voucher, to_store_time


def _form(voucher: Voucher | None = None, formdata: bool = True) -> VoucherForm:
    if formdata:
        form = VoucherForm()
    elif voucher is None:
        form = VoucherForm(formdata=None)
    else:
        form = VoucherForm(formdata=None, obj=voucher)
        form.starts_at.data = to_store_time(voucher.starts_at)
        form.ends_at.data = to_store_time(voucher.ends_at)
        form.categories.data = [c.id for c in voucher.categories]
    form.categories.choices = [SelectChoice(value, label) for value, label in category_choices()]
    return form


def _voucher_or_404(voucher_id: int) -> Voucher:
    voucher = db.session.get(Voucher, voucher_id)
    if voucher is None:
        abort(404)
    return voucher


def _save(voucher: Voucher | None, form: VoucherForm) -> Voucher | None:
    """Validate and save; on failure the form carries the messages beside its fields."""
    if not form.validate_on_submit():
        return None
    try:
        return save_voucher(voucher.id if voucher else None, form.terms(), g.staff.id)
    except VoucherError as exc:
        getattr(form, exc.field).errors = [str(exc)]
        return None


@bp.route("/vouchers", methods=["GET", "POST"])
def vouchers() -> ResponseReturnValue:
    form = _form(formdata=False)
    status = 200
    if request.method == "POST":
        form = _form()
        saved = _save(None, form)
        if saved is not None:
            flash(_("Voucher %(code)s created.", code=saved.code), "success")
            return redirect(url_for("admin.voucher_edit", voucher_id=saved.id), code=303)
        status = 422
    listed = db.session.execute(db.select(Voucher).order_by(Voucher.id.desc())).scalars().all()
    return render_template("admin/vouchers/index.html", vouchers=listed, form=form), status


@bp.route("/vouchers/<int:voucher_id>", methods=["GET", "POST"])
def voucher_edit(voucher_id: int) -> ResponseReturnValue:
    voucher = _voucher_or_404(voucher_id)
    form = _form(voucher, formdata=False)
    status = 200
    if request.method == "POST":
        form = _form()
        if _save(voucher, form) is not None:
            flash(_("Voucher saved."), "success")
            return redirect(url_for("admin.voucher_edit", voucher_id=voucher_id), code=303)
        status = 422
    return render_template(
        "admin/vouchers/edit.html", voucher=voucher, form=form, uses=uses_of(voucher_id), deactivate_form=EmptyForm()
    ), status


@bp.post("/vouchers/<int:voucher_id>/deactivate")
def voucher_deactivate(voucher_id: int) -> ResponseReturnValue:
    _voucher_or_404(voucher_id)
    if EmptyForm().validate_on_submit() and deactivate_voucher(voucher_id, g.staff.id):
        flash(_("Voucher deactivated: shoppers can no longer use it."), "success")
    return redirect(url_for("admin.voucher_edit", voucher_id=voucher_id), code=303)
