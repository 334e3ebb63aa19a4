from flask import current_app, request

from ..htmx import render_page_or_fragment
from ..urls import public_url
from ..whatsapp import product_chat_url, product_share_url
from .blueprint import bp
from .cards import product_cards  # noqa: F401  (registers the template global with the blueprint)
from .choice import choose
from .queries import active_categories, product_by_slug, search_products

# The part of a product page that follows the shopper's choice of variant.
PANEL_ID = "variant-panel"


@bp.get("/")
def index():
    query = request.args.get("q", "")
    category = request.args.get("category", "")
    page = request.args.get("page", 1, type=int)
    pagination = search_products(query, category, max(page, 1), current_app.config["PRODUCTS_PER_PAGE"])
    categories = active_categories()
    return render_page_or_fragment(
        "catalog/index.html",
        "catalog/_results.html",
        "product-results",
        pagination=pagination,
        categories=categories,
        current_category=next((c for c in categories if c.slug == category), None),
        query=query,
        category=category,
    )


@bp.get("/products/<slug>")
def product(slug):
    """The product page; with options chosen (`?option-<id>=<value id>`), the chosen variant's price, stock
    and add button. htmx asks the same address for the panel alone."""
    product = product_by_slug(slug)
    url = public_url("catalog.product", slug=product.slug)
    return render_page_or_fragment(
        "catalog/product.html",
        "catalog/_variant_panel.html",
        PANEL_ID,
        product=product,
        choice=choose(product, request.args),
        layout="detail",
        whatsapp_share_url=product_share_url(product.name, url),
        whatsapp_chat_url=product_chat_url(product.name, url),
    )
