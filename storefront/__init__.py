"""Storefront: a Flask shop for Indonesian merchants, paid through Midtrans Snap."""

import logging
import os
import sys
from collections.abc import Mapping

from dotenv import load_dotenv
from flask import Flask

from .config import apply_public_url, check_production_safety, load_config
from .lazy_session import LazySessionInterface
from .store_time import check_zone

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    """Build the app: config -> extensions -> payments -> blueprints -> errors -> CLI -> templates ->
    headers -> WSGI middleware (repeated answers, ProxyFix, WhiteNoise; the last is outermost)."""
    app = Flask(
        __name__,
        instance_path=os.path.join(PROJECT_ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    # The session cookie is decoded by the requests that use it, not by every poll and notification.
    app.session_interface = LazySessionInterface()
    if test_config is None:
        # A developer's .env fills in what the environment does not set; tests stay independent of it.
        load_dotenv(os.path.join(PROJECT_ROOT, ".env"))
    app.config.from_mapping(load_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    check_production_safety(app.config)
    apply_public_url(app.config)
    # Flask-Babel converts every formatted time to this zone; an unknown zone refuses to start.
    app.config["BABEL_DEFAULT_TIMEZONE"] = check_zone(app.config["STORE_TIMEZONE"])
    os.makedirs(app.instance_path, exist_ok=True)

    configure_logging(app)
    register_extensions(app)
    register_input_guard(app)
    register_payments(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_repeated_answers(app)
    register_proxy_fix(app)
    register_assets(app)
    return app


def configure_logging(app: Flask) -> None:
    # On a PaaS, logs are whatever the process writes to stdout.
    if not app.debug and not app.testing:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)


def register_proxy_fix(app: Flask) -> None:
    count = app.config["PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the client's IP (rate limits) and scheme (HSTS) are taken from the proxy. Never its
        # X-Forwarded-Host: the shop's address is PUBLIC_URL, and the Host is checked against it.
        # Wrapping app.wsgi_app is how Flask documents adding WSGI middleware.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0
        )


def register_repeated_answers(app: Flask) -> None:
    # The status poll and the catalog's pages asked again get the answer Flask gave before, in front of Flask
    # (storefront/repeat_answers.py). Inside ProxyFix: the scheme the proxy saw is part of the question.
    from .catalog.answers import CatalogIndex, ProductDetail
    from .extensions import db
    from .orders.poll_answers import StatusPoll
    from .repeat_answers import RepeatedAnswers

    with app.app_context():
        engine = db.engine
    app.wsgi_app = RepeatedAnswers(app, [StatusPoll(engine), CatalogIndex(), ProductDetail()])  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from .database import configure_engine, render_migration_item
    from .extensions import babel, csrf, db, limiter, migrate
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(PROJECT_ROOT, "migrations"),
        render_as_batch=True,  # SQLite can only ALTER tables by copying them
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    # Every limit sits on its view (@limiter.limit); none is application-wide, so a request is limited
    # exactly where its view says. The poll and static files are @limiter.exempt.
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        raise RuntimeError("Declare rate limits on their views with @limiter.limit, not app-wide.")
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=os.path.join(PROJECT_ROOT, "translations"),
    )
    with app.app_context():
        configure_engine(db.engine)


def register_input_guard(app: Flask) -> None:
    from .input_guard import init_input_guard

    init_input_guard(app)


def register_payments(app: Flask) -> None:
    from .payments.setup import init_payments
    from .shipping_rates.quotes import init_shipping

    init_payments(app)
    init_shipping(app)


def register_blueprints(app: Flask) -> None:
    from .admin import (  # noqa: F401  (their routes join the admin blueprint)
        auth,
        labels,
        order_views,
        product_views,
        report_views,
        shipping_views,
        variant_views,
        voucher_views,
    )
    from .admin.blueprint import bp as admin_bp
    from .admin.images import media_bp
    from .cart import views as cart_views  # noqa: F401  (its routes join the cart blueprint)
    from .cart.blueprint import bp as cart_bp
    from .catalog import views as catalog_views  # noqa: F401  (its routes join the catalog blueprint)
    from .catalog.blueprint import bp as catalog_bp
    from .checkout import views as checkout_views  # noqa: F401  (its routes join the checkout blueprint)
    from .checkout.blueprint import bp as checkout_bp
    from .health import bp as health_bp
    from .i18n import bp as i18n_bp
    from .mail import init_mail
    from .orders import lookup_views  # noqa: F401  (its routes join the orders blueprint)
    from .orders import views as order_page_views  # noqa: F401  (the same)
    from .orders.blueprint import bp as orders_bp
    from .payments import views as payment_views  # noqa: F401  (its routes join the payments blueprint)
    from .payments.blueprint import bp as payments_bp
    from .seo import bp as seo_bp

    app.register_blueprint(catalog_bp)
    app.register_blueprint(cart_bp)
    app.register_blueprint(checkout_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(seo_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(health_bp)
    init_mail(app)  # e-mails: outbox model and signal receivers


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    from flask_static_digest.cli import digest

    from .admin.cli import admin_cli
    from .commands import init_commands
    from .mail.cli import mail_cli
    from .payments.cli import payments_cli
    from .sandbox.cli import sandbox_cli

    init_commands(app)
    # Also a plugin of the `flask` command; registered here too so app.cli (and its test runner) has it.
    app.cli.add_command(digest)
    app.cli.add_command(payments_cli)
    app.cli.add_command(admin_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(sandbox_cli)


def register_template_helpers(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)


def register_security_headers(app: Flask) -> None:
    from .security import init_security_headers

    init_security_headers(app)


def register_assets(app: Flask) -> None:
    # Last: WhiteNoise wraps the finished WSGI app (ProxyFix included) and answers static files first.
    from .assets import init_assets

    init_assets(app)
