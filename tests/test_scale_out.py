"""Several instances behind HAProxy keep every guarantee: the suite runs bench/scale_out.py's short version
(two instances, 10 s of load, no kill) so the bench keeps working, and interrupts one run to see it clean up.

Needs PostgreSQL and Redis (CI sets TEST_DATABASE_URL and TEST_REDIS_URL) and HAProxy (`make test` installs it).
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
CHECKS = (
    "rate limit shared by instances",
    "units sold <= stock, every product",
    "units held = lines of the orders holding them",
    "one applied payment event per settled attempt",
    "every payment made at the double is recorded as paid",
    "zero 5xx or dropped requests",
    "every other answer was one the shop gives when it works",
)

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs TEST_DATABASE_URL and TEST_REDIS_URL")


def scale_out(*args):
    return [
        sys.executable,
        str(ROOT / "bench" / "scale_out.py"),
        "--instances",
        "2",
        "--database-server",
        PG_URL,
        "--redis-url",
        REDIS_URL,
        *args,
    ]


def scale_databases():
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'storefront_scale_%'").fetchall()
    return {name for (name,) in rows}


@pytest.mark.timeout(240)
def test_two_instances_behind_haproxy_pass_every_check_of_the_bench():
    result = subprocess.run(
        scale_out("--duration", "10", "--kill-at", "0"), cwd=ROOT, capture_output=True, text=True, timeout=220
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| check")
    }
    for check in CHECKS:
        verdict = next((v for name, v in rows.items() if name.startswith(check)), None)
        assert verdict == "PASS", f"{check}: {verdict}\n{output[-4000:]}"


@pytest.mark.timeout(180)
def test_an_interrupted_run_stops_what_it_started_and_drops_its_database():
    before = scale_databases()
    with subprocess.Popen(
        scale_out("--duration", "60", "--kill-at", "0"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as run:
        try:
            line = ""
            while "behind HAProxy at" not in line:
                line = run.stdout.readline()
                assert line, "the run ended before it served anything"
            balancer = re.search(r"HAProxy at (http://[\d.:]+)", line).group(1)
            instances = [f"http://127.0.0.1:{port}" for port in re.findall(r"i\d on :(\d+)", line)]
            database = re.search(r"database (storefront_scale_\w+)", line).group(1)
            assert database in scale_databases()
            assert requests.get(balancer + "/", timeout=10).status_code == 200
            time.sleep(2)  # under load
            run.send_signal(signal.SIGTERM)
            assert run.wait(timeout=60) == 130
        finally:
            if run.poll() is None:
                run.kill()
    assert len(instances) == 2
    for url in (balancer, *instances):
        with pytest.raises(requests.ConnectionError):
            requests.get(url + "/", timeout=5)
    assert scale_databases() == before
