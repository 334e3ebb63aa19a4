"""The application object behind `current_app`, through public API only."""

from flask import Flask, current_app


def the_app() -> Flask:
    """The real app, for a signal's sender or a background thread that outlives the request.

    `current_app` is a proxy that only works inside a context; the proxy's own unwrapping method is
    private, so we take the app from a new (unpushed, cheap) application context instead.
    """
    return current_app.app_context().app
