from typing import Any

from flask import request
from werkzeug.wrappers import Response

from ..conditional import PageState, page_state, serve_page
from ..extensions import limiter
from ..htmx import render_page_or_fragment
from ..repeat_answers import handed_over
from ..urls import public_url
from ..whatsapp import product_chat_url, product_share_url
from .blueprint import bp
from .cards import product_cards  # noqa: F401  (product_cards: a template global)
from .choice import choose
from .detail import DetailProduct
from .pages import CatalogPage, ProductPage, catalog_page_for, product_page_for

# The part of a product page that follows the shopper's choice of variant.
PANEL_ID = "variant-panel"


# No rate limit on browsing, and @limiter.exempt spares these views the limiter's per-request bookkeeping.
@bp.get("/")
@limiter.exempt
def index() -> Response:
    page: CatalogPage = handed_over() or catalog_page_for(request.args)
    state = page_state(page.data) if page.data is not None else PageState(None, None)
    return serve_page(
        state,
        lambda **drawing: render_page_or_fragment(
            "catalog/index.html",
            "catalog/_results.html",
            "product-results",
            pagination=page.pagination,
            categories=page.categories,
            current_category=next((c for c in page.categories if c.slug == page.category), None),
            query=page.query,
            category=page.category,
            pictures=page.pictures,
            **drawing,
        ),
    )


@bp.get("/products/<slug>")
@limiter.exempt
def product(slug: str) -> Response:
    """The product page; with options chosen (`?option-<id>=<value id>`), the chosen variant's price, stock
    and add button. htmx asks the same address for the panel alone."""
    page: ProductPage = handed_over() or product_page_for(slug)
    state = page_state(page.data) if page.data is not None else PageState(None, None)
    return serve_page(state, lambda **drawing: _draw_product(page.product, **drawing))


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
