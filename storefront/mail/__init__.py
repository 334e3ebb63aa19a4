"""E-mails to shoppers and the merchant: queued in an outbox by signal receivers, sent outside requests."""

import threading


def init_mail(app):
    from . import models  # noqa: F401  (so create_all and Alembic see the outbox table)
    from .receivers import connect_receivers

    app.extensions["storefront_mail"] = {"lock": threading.Lock()}
    connect_receivers()
