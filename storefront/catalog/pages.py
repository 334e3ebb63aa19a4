"""What the catalog's two pages show, read from the database: by their views, or in front of Flask by their
routes (catalog/answers.py), which hand it over to the views. Each page's `data` is what its conditional GET
and its kept answers are keyed by (storefront/conditional.py, storefront/repeat_answers.py)."""

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Row
from werkzeug.datastructures import MultiDict

from ..renditions import folder_stamp, rendition_folder
from .cards import card_key
from .detail import DetailProduct
from .listing import Page
from .queries import catalog_page, product_by_slug


def pictures() -> int | None:
    """The state of the image renditions on disk (renditions.folder_stamp): pages show their srcsets."""
    return folder_stamp(rendition_folder(current_app.config["UPLOAD_FOLDER"]))


@dataclass(frozen=True)
class CatalogPage:
    pagination: Page
    categories: tuple[Row[int, str, str], ...]
    query: str
    category: str
    pictures: int | None
    # Everything the page shows, as plain values; None: the pictures changed too recently to tell (drawn afresh).
    data: tuple[Any, ...] | None


@dataclass(frozen=True)
class ProductPage:
    product: DetailProduct
    data: tuple[Any, ...] | None  # as CatalogPage.data


def catalog_page_for(args: "MultiDict[str, str]") -> CatalogPage:
    """The catalog page the query string asks for (search, category, page number)."""
    query = args.get("q", "")
    category = args.get("category", "")
    page = args.get("page", 1, type=int)
    pagination, rows = catalog_page(query, category, max(page, 1), current_app.config["PRODUCTS_PER_PAGE"])
    categories = tuple(rows)
    drawn_from = pictures()
    data = None
    if drawn_from is not None:
        cards = tuple(card_key(product, n == 0) for n, product in enumerate(pagination.items))
        chips = tuple(tuple(c) for c in categories)  # (id, slug, name): by position, as listing.py reads rows
        data = (drawn_from, pagination.page, pagination.total, cards, chips)
    return CatalogPage(pagination, categories, query, category, drawn_from, data)


def product_page_for(slug: str) -> ProductPage:
    """The active product's page; 404 if there is none."""
    product = product_by_slug(slug)
    drawn_from = pictures()
    return ProductPage(product, (drawn_from, product.signature) if drawn_from is not None else None)
