"""Shipping in the back office: origin, tolerance and free shipping; courier services; one rate at a time
or the whole rate table as CSV."""

from typing import Any

from flask import Response, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from ..money import format_idr
from ..shipping_rates.models import current_settings
from ..shipping_rates.rate_csv import export_rates
from .blueprint import bp
from .shipping import (
    ShippingSetupError,
    city_choices,
    import_rates,
    region_choices,
    save_rate,
    save_service,
    save_settings,
    service_id_or_404,
    services_with_rate_counts,
)
from .shipping_forms import MissingWeightsForm, RateForm, RateUploadForm, ShippingServiceForm, ShippingSettingsForm
from .weights import fill_missing_weights, unweighed_products

MAX_CSV_BYTES = 2 * 1024 * 1024


def _settings_form(formdata: bool = True) -> ShippingSettingsForm:
    settings = current_settings()
    if formdata:
        form = ShippingSettingsForm()
    else:
        form = ShippingSettingsForm(formdata=None, obj=settings)
    form.origin_city_code.choices = [("", _("Choose a city or regency"))] + city_choices()
    return form


def _rate_form(formdata: bool = True) -> RateForm:
    form = RateForm() if formdata else RateForm(formdata=None)
    services = services_with_rate_counts()
    form.rate_service.choices = [("", _("Choose a service"))] + [
        (s.code, f"{s.courier} {s.service}") for s, _n in services
    ]
    form.rate_region.choices = [("", _("Choose a province or city"))] + region_choices()
    return form


def _render(status: int = 200, **forms: Any) -> ResponseReturnValue:
    services = services_with_rate_counts()
    page_forms = {
        "settings_form": forms.get("settings_form") or _settings_form(formdata=False),
        "service_form": forms.get("service_form") or ShippingServiceForm(formdata=None),
        "rate_form": forms.get("rate_form") or _rate_form(formdata=False),
        "upload_form": forms.get("upload_form") or RateUploadForm(formdata=None),
        "import_errors": forms.get("import_errors") or [],
        "weights_form": forms.get("weights_form") or MissingWeightsForm(formdata=None),
    }
    edit_forms = {s.id: ShippingServiceForm(formdata=None, obj=s, prefix=f"s{s.id}") for s, _count in services}
    if "edited" in forms:
        edit_forms[forms["edited"][0]] = forms["edited"][1]
    unweighed_count, unweighed = unweighed_products()
    return render_template(
        "admin/shipping/index.html",
        services=services,
        edit_forms=edit_forms,
        unweighed_count=unweighed_count,
        unweighed=unweighed,
        **page_forms,
    ), status


@bp.get("/shipping")
def shipping() -> ResponseReturnValue:
    return _render()


@bp.post("/shipping/settings")
def shipping_settings() -> ResponseReturnValue:
    form = _settings_form()
    if not form.validate_on_submit():
        return _render(422, settings_form=form)
    save_settings(
        form.origin_city_code.data,
        form.origin_postal_code.data,
        form.tolerance_g.data,
        form.free_shipping_min_idr.data,
        g.staff.id,
    )
    flash(_("Shipping settings saved."), "success")
    return redirect(url_for("admin.shipping"), code=303)


@bp.post("/shipping/services")
def shipping_service_new() -> ResponseReturnValue:
    form = ShippingServiceForm()
    if form.validate_on_submit():
        try:
            save_service(
                None,
                form.courier.data,
                form.service.data,
                form.etd_min_days.data,
                form.etd_max_days.data,
                bool(form.active.data),
                bool(form.free_shipping.data),
                g.staff.id,
            )
        except ShippingSetupError as exc:
            getattr(form, exc.field).errors = [str(exc)]
        else:
            flash(_("Courier service added."), "success")
            return redirect(url_for("admin.shipping"), code=303)
    return _render(422, service_form=form)


@bp.post("/shipping/services/<code>")
def shipping_service_edit(code: str) -> ResponseReturnValue:
    service_id = service_id_or_404(code)
    form = ShippingServiceForm(prefix=f"s{service_id}")
    # Courier and service name are the service's identity (its code); only the rest can change.
    del form.courier, form.service
    if form.validate_on_submit():
        save_service(
            service_id,
            "",
            "",
            form.etd_min_days.data,
            form.etd_max_days.data,
            bool(form.active.data),
            bool(form.free_shipping.data),
            g.staff.id,
        )
        flash(_("Courier service saved."), "success")
        return redirect(url_for("admin.shipping"), code=303)
    return _render(422, edited=(service_id, form))


@bp.post("/shipping/rate")
def shipping_rate() -> ResponseReturnValue:
    form = _rate_form()
    if not form.validate_on_submit():
        return _render(422, rate_form=form)
    price = form.price_idr
    before = save_rate(form.rate_service.data, form.rate_region.data, price, g.staff.id)
    names = dict(form.rate_service.choices), dict(form.rate_region.choices)
    what = {"service": names[0][form.rate_service.data], "region": names[1][form.rate_region.data].lstrip("— ")}
    if price is None:
        if before is None:
            flash(_("%(service)s to %(region)s had no price: nothing changed.", **what), "info")
        else:
            removed = _(
                "%(service)s to %(region)s: price removed (was %(before)s per kg).", before=format_idr(before), **what
            )
            flash(removed, "success")
    elif before is None:
        flash(_("%(service)s to %(region)s: %(price)s per kg (new).", price=format_idr(price), **what), "success")
    else:
        was = {"price": format_idr(price), "before": format_idr(before)}
        flash(_("%(service)s to %(region)s: %(price)s per kg (was %(before)s).", **was, **what), "success")
    return redirect(url_for("admin.shipping"), code=303)


@bp.post("/shipping/weights")
def shipping_missing_weights() -> ResponseReturnValue:
    form = MissingWeightsForm()
    if not form.validate_on_submit():
        return _render(422, weights_form=form)
    count = fill_missing_weights(form.missing_weight_g.data, g.staff.id)
    flash(
        ngettext(
            "%(num)d product now weighs %(grams)d g.",
            "%(num)d products now weigh %(grams)d g.",
            count,
            grams=form.missing_weight_g.data,
        ),
        "success",
    )
    return redirect(url_for("admin.shipping"), code=303)


@bp.get("/shipping/rates.csv")
def shipping_rates_export() -> ResponseReturnValue:
    return Response(
        export_rates(), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=shipping-rates.csv"}
    )


@bp.post("/shipping/rates")
def shipping_rates_import() -> ResponseReturnValue:
    form = RateUploadForm()
    if not form.validate_on_submit():
        return _render(422, upload_form=form)
    raw = form.rates.data.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        form.rates.errors = [_("The file is larger than 2 MB.")]
        return _render(422, upload_form=form)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        form.rates.errors = [_("Save the file as CSV in UTF-8.")]
        return _render(422, upload_form=form)
    result = import_rates(text, g.staff.id)
    if result.errors:
        form.rates.errors = [_("Nothing was changed: fix these lines and upload again.")]
        return _render(422, upload_form=form, import_errors=result.errors)
    flash(_("Rate table replaced: %(count)d rates.", count=result.rows), "success")
    return redirect(url_for("admin.shipping"), code=303)
