"""Is the per-render gettext binding (`storefront/templating.py: template_gettext`) worth keeping?

Same run, in process, no network: the demo shop on a fresh SQLite file renders the catalogue and a product
page through Flask's test client, alternately with the binding (as the shop runs) and without it (the
context processor then adds only the language, so templates call the gettext that Flask-Babel installs in
Jinja: newstyle, the translations looked up again on every call). Rounds alternate so that machine load
falls on both alike; the figure is the median CPU time per request of each variant.

    .venv/bin/python bench/template_gettext.py [--rounds 9] [--requests 150]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storefront import create_app  # noqa: E402
from storefront.i18n import select_locale  # noqa: E402

PAGES = {"catalog": "/", "product": None}  # the product page's path is found after seeding


def build_app(directory):
    database_url = f"sqlite:///{directory}/bench.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "MIDTRANS_SERVER_KEY": "",
    }
    for command in (["db", "upgrade"], ["seed"]):  # as `make run` does
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT, env=env, check=True)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": env["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": env["PUBLIC_URL"],
        }
    )


def without_binding(app):
    """Swap the shop's context processor for one that adds the language only (Flask's public list)."""
    processors = app.template_context_processors[None]
    index = next(i for i, f in enumerate(processors) if f.__name__ == "inject_request_globals")
    shop_processor = processors[index]

    def language_only():
        return {"current_language": select_locale()}

    def swap(enabled):
        processors[index] = shop_processor if enabled else language_only

    return swap


def cpu_per_request(client, path, requests):
    start = time.process_time()
    for _ in range(requests):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
    return (time.process_time() - start) / requests * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        app = build_app(directory)
        client = app.test_client()
        page = client.get("/").get_data(as_text=True)
        start = page.index('href="/products/') + len('href="')
        PAGES["product"] = page[start : page.index('"', start)]
        swap = without_binding(app)
        samples = {(name, enabled): [] for name in PAGES for enabled in (True, False)}
        for enabled in (True, False):  # warm-up: templates compiled, caches filled
            swap(enabled)
            for path in PAGES.values():
                cpu_per_request(client, path, 20)
        for round_number in range(args.rounds):
            for enabled in (True, False) if round_number % 2 == 0 else (False, True):
                swap(enabled)
                for name, path in PAGES.items():
                    samples[(name, enabled)].append(cpu_per_request(client, path, args.requests))
        swap(True)
    print(f"CPU µs per request, median of {args.rounds} rounds of {args.requests} (in process, SQLite)")
    print(f"{'page':<10}{'bound gettext':>15}{'Flask-Babel':>13}{'saved':>8}")
    for name in PAGES:
        bound = statistics.median(samples[(name, True)])
        babel = statistics.median(samples[(name, False)])
        print(f"{name:<10}{bound:>15,.0f}{babel:>13,.0f}{(babel - bound) / babel:>8.0%}")


if __name__ == "__main__":
    main()
