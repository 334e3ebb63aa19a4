import subprocess
import sys

import pytest

from storefront import create_app
from storefront.config import DEV_SECRET_KEY, ConfigError, check_production_safety, normalise_database_url


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_paas_database_urls_use_psycopg3(url, expected):
    assert normalise_database_url(url) == expected


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY])
def test_production_refuses_a_missing_or_development_secret_key(secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check_production_safety({"SECRET_KEY": secret, "TESTING": False, "DEBUG": False})


def test_debug_and_testing_may_use_the_development_key():
    check_production_safety({"SECRET_KEY": DEV_SECRET_KEY, "DEBUG": True})
    check_production_safety({"SECRET_KEY": DEV_SECRET_KEY, "TESTING": True})


def test_sandbox_key_with_production_flag_is_refused():
    with pytest.raises(ConfigError, match="sandbox key"):
        check_production_safety(
            {"SECRET_KEY": "x" * 40, "MIDTRANS_IS_PRODUCTION": True, "MIDTRANS_SERVER_KEY": "SB-Mid-server-abc"}
        )


def test_production_key_without_production_flag_is_refused():
    with pytest.raises(ConfigError, match="production key"):
        check_production_safety(
            {"SECRET_KEY": "x" * 40, "MIDTRANS_IS_PRODUCTION": False, "MIDTRANS_SERVER_KEY": "Mid-server-abc"}
        )


def test_builtin_sandbox_cannot_run_in_production(tmp_path):
    with pytest.raises(ConfigError):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x" * 40,
                "MIDTRANS_IS_PRODUCTION": True,
                "MIDTRANS_SERVER_KEY": "",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            }
        )


def test_gunicorn_entry_point_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "MIDTRANS_SERVER_KEY": "SB-Mid-server-x",
        "SECRET_KEY": "",  # set, so a developer's .env cannot fill it in
    }
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True, cwd=str(_root())
    )
    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development key" in result.stderr


def _root():
    import pathlib

    return pathlib.Path(__file__).resolve().parent.parent
