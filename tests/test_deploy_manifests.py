"""What a buildpack PaaS reads: app.json and .python-version agree with the README, the Procfile and
the code, so a one-click deploy asks for every setting and schedules commands that exist."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_JSON = json.loads((ROOT / "app.json").read_text())

# Set by the add-ons app.json declares, not by the person deploying.
FROM_ADDONS = {"DATABASE_URL": "heroku-postgresql", "REDIS_URL": "heroku-redis"}
# Only meaningful on a laptop: the built-in Midtrans sandbox (`flask sandbox run`) is used only when no server key is set.
LAPTOP_ONLY = {"MIDTRANS_SANDBOX_HOST", "MIDTRANS_SANDBOX_PORT", "MIDTRANS_SANDBOX_DB"}


def readme_configuration_variables():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_app_json_describes_every_variable_of_the_readme_configuration_table():
    documented = readme_configuration_variables()
    declared = set(APP_JSON["env"])
    missing = documented - declared - set(FROM_ADDONS) - LAPTOP_ONLY
    unknown = declared - documented
    assert not missing, f"README variables missing from app.json's env: {sorted(missing)}"
    assert not unknown, f"app.json variables missing from the README's configuration table: {sorted(unknown)}"
    for name, spec in APP_JSON["env"].items():
        assert spec.get("description", "").strip(), f"{name} has no description in app.json"
        assert "value" not in spec or isinstance(spec["value"], str), f"{name}: app.json values are strings"


def test_app_json_generates_the_secret_key_and_requires_the_midtrans_key():
    env = APP_JSON["env"]
    assert env["SECRET_KEY"]["generator"] == "secret"
    assert "value" not in env["SECRET_KEY"]
    assert env["MIDTRANS_SERVER_KEY"]["required"] is True
    assert "value" not in env["MIDTRANS_SERVER_KEY"]


def test_app_json_adds_postgresql_and_redis_that_set_the_urls_the_shop_reads():
    plans = {addon["plan"].split(":")[0]: addon for addon in APP_JSON["addons"]}
    for variable, plan in FROM_ADDONS.items():
        assert plan in plans, f"{plan} add-on missing (it sets {variable})"
        assert variable == plans[plan]["as"] + "_URL"


def test_app_json_release_command_is_the_procfiles():
    procfile = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert APP_JSON["scripts"]["postdeploy"] == procfile["release"].strip()


def test_app_json_health_check_is_the_healthz_endpoint(app):
    paths = [check["path"] for check in APP_JSON["healthchecks"]["web"]]
    assert paths == ["/healthz"]
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/healthz")[0] == "health.healthz"


@pytest.mark.parametrize("job", ["payments reconcile", "mail retry", "mail remind"])
def test_app_json_schedules_the_job_and_the_command_exists(app, job):
    commands = {entry["command"]: entry["schedule"] for entry in APP_JSON["cron"]}
    command = f"flask --app wsgi {job}"
    assert command in commands
    assert re.fullmatch(r"(\S+ ){4}\S+", commands[command]), "a five-field cron schedule"
    group, name = job.split()
    assert name in app.cli.commands[group].commands


def test_python_version_names_the_running_major_minor():
    pinned = (ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", pinned)
    assert tuple(map(int, pinned.split("."))) <= sys.version_info[:2]
