"""schema.org `Product` + `Offer` for a product page, as search engines read it (JSON-LD)."""

import json
from typing import Any

from markupsafe import Markup

IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"


def product_json_ld(product: Any, url: str, image_url: str | None, store_name: str) -> dict[str, object]:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "sku": product.slug,
        "url": url,
        "offers": _offer(product, url, store_name),
    }
    if image_url:
        data["image"] = [image_url]
    if product.category is not None:
        data["category"] = product.category.name
    return data


def _offer(product: Any, url: str, store_name: str) -> dict[str, object]:
    low, high = product.price_range
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": url,
        # Integer rupiah: IDR has no minor unit in practice, and schema.org takes a plain number.
        "price": str(low),
        "priceCurrency": "IDR",
        "availability": IN_STOCK if product.stock > 0 else OUT_OF_STOCK,
        "seller": {"@type": "Organization", "name": store_name},
    }
    if low != high:
        # Variants at different prices: one offer for the range, as search engines read it.
        del offer["price"]
        offer.update({"@type": "AggregateOffer", "lowPrice": str(low), "highPrice": str(high)})
        offer["offerCount"] = len(product.active_variants)
    return offer


def json_ld_script(data: dict[str, object]) -> Markup:
    """A <script type="application/ld+json"> whose text cannot end the element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</script>" inside a string would close the element: escape < > & as JSON unicode escapes.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')
