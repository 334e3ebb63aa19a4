"""The sandbox's own Flask app: Snap API, Core API, payment pages and sandbox-only control endpoints."""

from flask import Flask, current_app, render_template
from flask.json.provider import DefaultJSONProvider

from .engine import SandboxEngine
from .notifier import Notifier
from .payloads import rupiah
from .settings import DEFAULT_NOTIFICATION_TIMEOUT, DEFAULT_RETRY_DELAYS, SANDBOX_SERVER_KEY, SandboxSettings
from .store import Store

EXTENSION_KEY = "midtrans_sandbox"
# Inbound limit: real Snap caps requests near 16 KB; 64 KB keeps the sandbox lenient but bounded.
MAX_CONTENT_LENGTH = 64 * 1024


def create_sandbox_app(
    server_key: str = SANDBOX_SERVER_KEY,
    *,
    db_path: str,
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
    notification_timeout: float = DEFAULT_NOTIFICATION_TIMEOUT,
    default_notification_url: str | None = None,
    public_base_url: str | None = None,
) -> Flask:
    settings = SandboxSettings(
        server_key=server_key,
        db_path=db_path,
        retry_delays=retry_delays,
        notification_timeout=notification_timeout,
        default_notification_url=default_notification_url,
        public_base_url=public_base_url,
    )
    app = Flask(__name__, template_folder="templates", static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH)
    # Keep Midtrans's field order in JSON answers; it makes them easier to compare with the docs.
    if isinstance(app.json, DefaultJSONProvider):
        app.json.sort_keys = False
    app.jinja_env.filters["idr"] = rupiah

    store = Store(settings.db_path)
    notifier = Notifier(store, settings.retry_delays, settings.notification_timeout)
    # Everything stateful hangs off this app instance: two sandboxes in one process share nothing
    # but the sqlite file they may both point at.
    app.extensions[EXTENSION_KEY] = SandboxEngine(settings, store, notifier)

    from .api import core_api, snap_api
    from .control import control
    from .pages import pages

    for blueprint in (snap_api, core_api, pages, control):
        app.register_blueprint(blueprint)

    @app.get("/")
    def index() -> str:
        return render_template("sandbox/index.html")

    return app


def engine_of(app: Flask) -> SandboxEngine:
    engine: SandboxEngine = app.extensions[EXTENSION_KEY]
    return engine


def current_engine() -> SandboxEngine:
    return engine_of(current_app)
