"""`GET /healthz`: what a PaaS health checker sees with the database up to date, behind, or down."""

import pytest
from flask_migrate import stamp
from sqlalchemy import text

from storefront import create_app
from storefront.extensions import db

FIRST_REVISION = "dbe19a07009b"


@pytest.fixture
def migrated(app):
    """The schema (made by create_all, identical to the migrations' per test_migrations) marked as
    migrated to the latest revision, as `flask db upgrade` leaves a deployed database."""
    stamp()
    yield app
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_healthz_answers_200_database_ok_when_the_schema_is_at_the_latest_migration(client, migrated):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_a_migration_has_not_been_applied(client, migrated):
    stamp(revision=FIRST_REVISION)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "outdated"}


def test_healthz_answers_503_on_a_database_never_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "outdated"}


def test_healthz_answers_503_with_the_database_down_and_says_nothing_secret(app_config, db_kind, tmp_path):
    if db_kind == "sqlite":
        # A file in a directory that does not exist: SQLite cannot open it.
        down_url = f"sqlite:///{tmp_path / 'missing' / 'shop.sqlite3'}"
    else:
        down_url = "postgresql+psycopg://postgres:s3cret-password@127.0.0.1:1/nowhere"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": down_url})
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"database": "unavailable"}
    body = response.get_data(as_text=True)
    for secret in ("s3cret", "127.0.0.1", "nowhere", "missing", str(tmp_path), "Error"):
        assert secret not in body


def test_healthz_answers_the_health_checkers_host_from_allowed_hosts_and_no_other(make_app):
    """In production any Host but PUBLIC_URL's and ALLOWED_HOSTS' gets 400; a PaaS health checker
    calls the app by its internal address, which ALLOWED_HOSTS names."""
    with make_app(
        TESTING=False, SECRET_KEY="p" * 40, PUBLIC_URL="https://toko.example", ALLOWED_HOSTS=["10.1.2.3"]
    ) as app:
        stamp()
        try:
            client = app.test_client()
            checker = client.get("/healthz", base_url="http://10.1.2.3:8080")
            assert checker.status_code == 200
            assert checker.get_json() == {"database": "ok"}
            assert client.get("/healthz", base_url="http://evil.example").status_code == 400
        finally:
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
