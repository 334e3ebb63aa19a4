"""Staff sign-in and the guard in front of every /admin URL."""

from typing import Any

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..extensions import limiter
from ..htmx import is_htmx
from ..i18n import safe_next
from .accounts import authenticate, normalise_email, sign_in, sign_out, signed_in_staff
from .audit import record_now
from .blueprint import bp
from .forms import EmptyForm, LoginForm
from .images import MAX_IMAGE_BYTES

PUBLIC_ENDPOINTS = {"admin.login"}
MAX_REQUEST_BYTES = MAX_IMAGE_BYTES + 64 * 1024


def _login_rate_limit() -> str:
    return str(current_app.config["ADMIN_LOGIN_RATE_LIMIT"])


def _login_account_rate_limit() -> str:
    return str(current_app.config["ADMIN_LOGIN_RATE_LIMIT_PER_ACCOUNT"])


def _account_key() -> str:
    # Per e-mail typed, known or not (the same answer either way), so guessing one account's password
    # from many addresses (a botnet, a carrier NAT) runs into this limit as well as the per-IP one.
    return "admin-login:" + normalise_email(request.form.get("email", ""))[:254]


def _failed(response: Response) -> bool:
    # Only failed sign-ins count: staff who type their password right are never locked out.
    return response.status_code == 422


@bp.url_value_preprocessor
def limit_request_size(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Runs before every before_request function, so before the CSRF check parses the form: a body over
    # the limit is refused with 413 instead of being read into memory or a temporary file. The largest
    # legitimate body is a product form with a 2 MB image.
    request.max_content_length = MAX_REQUEST_BYTES


@bp.before_request
def require_staff() -> ResponseReturnValue | None:
    """Everything under /admin needs a signed-in staff member.

    Anonymous (or shopper) GETs of pages go to the sign-in page; POST actions and htmx requests get
    403, with HX-Redirect so an htmx page whose sign-in ran out leads to the sign-in page.
    """
    g.staff = signed_in_staff()
    if g.staff is not None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    login_url = url_for("admin.login", next=request.full_path.rstrip("?"))
    if request.method == "GET" and not is_htmx():
        return redirect(login_url)
    template = "admin/_forbidden.html" if is_htmx() else "admin/forbidden.html"
    response = make_response(render_template(template, login_url=login_url), 403)
    if is_htmx():
        response.headers["HX-Redirect"] = login_url
    return response


@bp.after_request
def never_cache(response: Response) -> Response:
    # Back-office pages hold customers' personal data.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def inject_staff() -> dict[str, Any]:
    return {"current_staff": g.get("staff")}


def _next_url() -> str:
    target = safe_next(request.values.get("next"), url_for("admin.orders"))
    # Only back-office pages: the sign-in form must not become a redirector to the shop or elsewhere.
    return target if target.startswith(url_for("admin.index")) else url_for("admin.orders")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_account_rate_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login() -> ResponseReturnValue:
    if g.staff is not None:
        return redirect(_next_url(), code=303 if request.method == "POST" else 302)
    form = LoginForm()
    if request.method == "POST":
        if form.validate_on_submit():
            staff = authenticate(form.email.data, form.password.data)
            if staff is not None:
                sign_in(staff)
                record_now(staff.id, "login")
                return redirect(_next_url(), code=303)
        # One message for every failure: it must not tell whether the e-mail has an account.
        form.password.data = ""
        return render_template(
            "admin/login.html", form=form, error=_("E-mail or password is incorrect."), next=_next_url()
        ), 422
    return render_template("admin/login.html", form=form, error=None, next=_next_url())


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        abort(400)
    record_now(g.staff.id, "logout")
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("admin.login"), code=303)
