"""E-mails to shoppers and the merchant: queued in an outbox by signal receivers, sent outside requests."""

import threading


def init_mail(app):
    from . import models  # noqa: F401  (so create_all and Alembic see the outbox table)
    from . import order_link
    from .receivers import connect_receivers

    app.extensions["storefront_mail"] = {
        "lock": threading.Lock(),
        # Kinds queued without an order; the sender finds the order (and its address) or drops them.
        "resolvers": {order_link.KIND: order_link.resolve},
    }
    connect_receivers()
