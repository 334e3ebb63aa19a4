"""gunicorn's access log without order tokens: `gunicorn --logger-class storefront.gunicorn_logging.RedactingLogger`.

gunicorn's documented `logger_class` setting takes a subclass of its Logger; only the values the
access-log format is filled from are changed. Importing this module builds no app.
"""

from gunicorn.glogging import Logger

from .redaction import redact_order_tokens


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line, path and query, the Referer (an order page's own requests carry it) and
        # every header atom: any of them can hold an order URL.
        return {key: redact_order_tokens(value) if isinstance(value, str) else value for key, value in atoms.items()}
