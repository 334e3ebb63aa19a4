"""The catalog's product cards, rendered once and remembered per process, keyed by everything a card shows.

A card is most of the catalog page's rendering (a picture with two srcsets, a price range, a stock badge,
an add form: about a dozen url_for, macro and gettext calls each). Its key is built from the very values
the request just read from the database for it — name, slug, image, price range, stock badge state, the
variant the add button adds — plus the language and the rendition folder's state. A change of any of them
(a sale, a new price, a variant added or taken off sale, in this worker or any other, through the ORM or a
plain UPDATE) is a new key at the next view: there is nothing to invalidate, no version to bump in
checkout, and two workers cannot disagree. Deactivated products are simply not in the listing.

Per process rather than in Redis: a hit is a dictionary lookup (~1 µs) where a Redis round trip for the
page's twelve cards would cost about as much as rendering them; and since the key is derived from data
each worker reads anyway, sharing the cache would save only the first render of each card per worker.
"""

from collections.abc import Callable, Iterable, Sequence

from flask import current_app
from markupsafe import Markup

from ..conditional import CSRF_PLACEHOLDER, remember  # the add form's token is per session: kept out
from ..i18n import select_locale
from .blueprint import bp
from .listing import CardProduct

# ~1.5 KB per card: 500 products in two languages, with and without the first card's eager image, fit.
MAX_CARDS = 4096
# Up to this many units the stock badge tells the number ("only 3 left").
LOW_STOCK = 5


@bp.app_template_global()
def low_stock(units: int) -> bool:
    """Whether the badge tells the number: the badge template asks this too, so a card's key and what the
    card says cannot drift apart."""
    return 1 <= units <= LOW_STOCK


def stock_state(units: int) -> object:
    """What the stock badge says: sold out, "only N left" (the number is shown), or in stock."""
    if units < 1:
        return "out"
    return units if low_stock(units) else "in"


def card_key(product: CardProduct, first: bool) -> tuple[object, ...]:
    """Everything a rendered card depends on, besides the language and the pictures on disk."""
    sole = product.sole_variant
    return (
        product.id,
        product.slug,
        product.name,
        product.image,
        product.price_range,
        stock_state(product.stock),
        product.needs_choice,
        (sole.id, sole.label) if sole is not None else None,
        first,  # the first card's image is not lazy-loaded
    )


@bp.app_template_global()
def product_cards(
    products: Sequence[CardProduct], render: Callable[[CardProduct, bool, Markup], str], csrf: str, pictures: int | None
) -> Iterable[Markup]:
    """Each product's card: remembered, or rendered by `render` (the template's card macro) and remembered.

    `pictures` is the state of the renditions on disk (catalog.pages.pictures): writing one (a backfill, an
    upload) changes it; None (changed too recently to tell) means every card is rendered and none kept.
    """
    language = select_locale()
    # Kept with the app (tests build several apps, with other folders and settings, in one process).
    cards: dict[tuple[object, ...], Markup] = current_app.extensions.setdefault("storefront.cards", {})
    for index, product in enumerate(products):
        key = (language, pictures, *card_key(product, index == 0))
        html = cards.get(key) if pictures is not None else None
        if html is None:
            html = Markup(render(product, index == 0, CSRF_PLACEHOLDER))
            if pictures is not None and not current_app.debug:  # debug: templates are edited while serving
                remember(cards, key, html, MAX_CARDS)
        yield html.replace(CSRF_PLACEHOLDER, csrf) if CSRF_PLACEHOLDER in html else html
