"""The mail package's per-app state, kept in `app.extensions["storefront_mail"]`."""

import threading
from collections.abc import Callable
from typing import NotRequired, TypedDict

from flask import Flask
from jinja2 import Environment

from ..models import Order
from .models import OutboxMessage


class MailState(TypedDict):
    """The mail package's state in `app.extensions["storefront_mail"]` (made by `init_mail`)."""

    lock: threading.Lock
    # Kinds whose sender decides at sending time whether (and for which order) they still go out.
    checks: dict[str, Callable[[OutboxMessage], Order | None]]
    # The background sender: asked to run again, and its thread while one runs.
    wanted: NotRequired[bool]
    thread: NotRequired[threading.Thread | None]
    # The plain-text template environment of messages.py, made on first use.
    jinja: NotRequired[Environment]


def mail_state(app: Flask) -> MailState:
    state: MailState = app.extensions["storefront_mail"]
    return state
