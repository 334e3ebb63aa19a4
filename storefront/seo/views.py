from flask import Response, current_app, render_template, send_from_directory

from ..catalog.queries import active_categories, active_products_for_sitemap
from ..extensions import db
from ..urls import public_url
from . import bp

ONE_DAY = 24 * 3600


@bp.get("/robots.txt")
def robots() -> Response:
    # The back office is no business of search engines. The shopper's own pages (cart, checkout,
    # orders) stay crawlable on purpose: they say `noindex` themselves, which a crawler can only read
    # on a page it is allowed to fetch.
    body = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {public_url('seo.sitemap')}\n"
    response = Response(body, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_DAY
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    categories = active_categories(db.session.connection())
    xml = render_template("seo/sitemap.xml", products=active_products_for_sitemap(), categories=categories)
    response = Response(xml, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers and crawlers ask for /favicon.ico whatever the page says.
    return send_from_directory(current_app.static_folder or "", "favicon.ico", mimetype="image/x-icon", max_age=ONE_DAY)
