"""Jinja filters and globals shared by every template."""

from collections.abc import Callable

from babel.support import NullTranslations
from flask import Flask, request, session
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .cart.cart import cart_count
from .i18n import LANGUAGES, select_locale
from .money import format_idr
from .orders.payment_guide import payment_guide
from .status_words import fulfilment_label, status_label, timeline_label
from .store_time import format_store_time
from .vouchers.usage import order_discount
from .whatsapp import shop_chat_url


def template_gettext(translations: NullTranslations) -> dict[str, Callable[..., str]]:
    """`_()`/`gettext()` and `ngettext()` for one rendering, bound to the translations already chosen.

    Flask-Babel's template functions look up the request's domain, locale and catalogue again on every
    call; a catalog page makes well over a hundred such calls. Bound once per render_template, they
    cost a dictionary lookup each: 20 % less CPU for the catalogue, 6-14 % for a product page
    (bench/template_gettext.py, both variants in one run; bench/RESULTS.md). Same behaviour as Jinja's newstyle gettext: the result is escaped
    Markup (with autoescape) and always %-formatted with the keyword arguments.
    """
    lookup, plural_lookup = translations.ugettext, translations.ungettext

    @pass_context
    def gettext(context: Context, string: str, **variables: object) -> str:
        rv = lookup(string)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: object) -> str:
        variables.setdefault("num", num)
        rv = plural_lookup(singular, plural, num)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    # `_` too: otherwise Jinja's i18n extension resolves it through an alias that calls `gettext` again.
    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def _cart_count() -> int:
    # Counted when the cart badge is drawn: fragments without it (the status poll) need no session.
    return cart_count(session)


def _current_path() -> str:
    return request.full_path.rstrip("?")


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["idr"] = format_idr
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["fulfilment_label"] = fulfilment_label
    app.jinja_env.globals["timeline_label"] = timeline_label
    # One format everywhere (pages, back office, e-mails), in the store's zone with its name: shoppers across
    # Indonesia live in WIB, WITA and WIT.
    app.jinja_env.filters["datetime"] = format_store_time
    # What does not change per request is a global, set once; what does is computed only when drawn.
    app.jinja_env.globals.update(
        store_name=app.config["STORE_NAME"],
        languages=LANGUAGES,
        cart_count=_cart_count,
        current_path=_current_path,
        payment_guide=payment_guide,
        whatsapp_shop_chat_url=shop_chat_url,
        order_discount=order_discount,
    )

    @app.context_processor
    def inject_request_globals() -> dict[str, object]:
        return {
            "current_language": select_locale(),
            # Context variables win over the globals Flask-Babel installed.
            **template_gettext(get_translations()),
        }
