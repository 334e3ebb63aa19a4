from typing import Any

from flask import current_app, request
from werkzeug.wrappers import Response

from ..conditional import PageState, page_state, serve_page
from ..extensions import limiter
from ..htmx import render_page_or_fragment
from ..renditions import folder_stamp, rendition_folder
from ..urls import public_url
from ..whatsapp import product_chat_url, product_share_url
from .blueprint import bp
from .cards import card_key, product_cards  # noqa: F401  (product_cards: a template global)
from .choice import choose
from .detail import DetailProduct
from .queries import catalog_page, product_by_slug

# The part of a product page that follows the shopper's choice of variant.
PANEL_ID = "variant-panel"


def pictures() -> int | None:
    """The state of the image renditions on disk (renditions.folder_stamp): pages show their srcsets."""
    return folder_stamp(rendition_folder(current_app.config["UPLOAD_FOLDER"]))


# No rate limit on browsing, and @limiter.exempt spares these views the limiter's per-request bookkeeping.
@bp.get("/")
@limiter.exempt
def index() -> Response:
    query = request.args.get("q", "")
    category = request.args.get("category", "")
    page = request.args.get("page", 1, type=int)
    pagination, categories = catalog_page(query, category, max(page, 1), current_app.config["PRODUCTS_PER_PAGE"])
    drawn_from = pictures()
    state = PageState(None, None)  # the pictures changed too recently to tell: drawn afresh
    if drawn_from is not None:
        cards = tuple(card_key(product, n == 0) for n, product in enumerate(pagination.items))
        chips = tuple(tuple(c) for c in categories)  # (id, slug, name): by position, as listing.py reads rows
        state = page_state((drawn_from, pagination.page, pagination.total, cards, chips))
    return serve_page(
        state,
        lambda **drawing: render_page_or_fragment(
            "catalog/index.html",
            "catalog/_results.html",
            "product-results",
            pagination=pagination,
            categories=categories,
            current_category=next((c for c in categories if c.slug == category), None),
            query=query,
            category=category,
            pictures=drawn_from,
            **drawing,
        ),
    )


@bp.get("/products/<slug>")
@limiter.exempt
def product(slug: str) -> Response:
    """The product page; with options chosen (`?option-<id>=<value id>`), the chosen variant's price, stock
    and add button. htmx asks the same address for the panel alone."""
    product = product_by_slug(slug)
    drawn_from = pictures()
    state = page_state((drawn_from, product.signature)) if drawn_from is not None else PageState(None, None)
    return serve_page(state, lambda **drawing: _draw_product(product, **drawing))


def _draw_product(product: DetailProduct, **drawing: Any) -> Response:
    """The product page (or its panel for htmx), drawn: only when it is not remembered."""
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
        **drawing,
    )
