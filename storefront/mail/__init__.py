"""E-mails to shoppers and the merchant: queued in an outbox by signal receivers, sent outside requests."""

import threading

from flask import Flask


def init_mail(app: Flask) -> None:
    from . import (
        models,  # noqa: F401  (so create_all and Alembic see the outbox table)
        order_link,
        reminders,
    )
    from .receivers import connect_receivers
    from .state import MailState

    app.extensions["storefront_mail"] = MailState(
        lock=threading.Lock(),
        # Kinds whose sender decides, at sending time, whether (and for which order) they still go out:
        # message -> Order or None (dropped). See order_link.py and reminders.py.
        checks={order_link.KIND: order_link.order_for, reminders.KIND: reminders.order_for},
    )
    connect_receivers()
