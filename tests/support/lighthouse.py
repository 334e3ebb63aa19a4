"""Lighthouse (npm, pinned in package.json) run against a live shop in Debian's Chromium, and the pages it
audits: the catalog, a product page, a cart with a line, the checkout form and an order page.

Shared by tests/e2e/test_e2e_lighthouse.py (scores asserted) and bench/lighthouse.py (figures printed).
"""

import json
import os
import subprocess
import tempfile
from pathlib import Path

from tests.support.e2e import (
    add_from_grid,
    expect_sandbox_page,
    fill_checkout,
    order_url,
    pay_on_sandbox,
    search,
    submit_checkout,
)

E2E = Path(__file__).resolve().parents[1] / "e2e"
LIGHTHOUSE = E2E / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
PRODUCT = "Kopi Gayo Arabika 250 g"


def run_lighthouse(url, categories, report_path, cookie=None, timeout=240):
    """Audit `url` (mobile preset, simulated throttling); returns the parsed JSON report."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run `make e2e-deps` (npm ci --prefix tests/e2e)")
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report_path}",
        "--quiet",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=30000",
    ]
    if cookie:
        # The shopper's session: the cart and checkout are theirs only.
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "HOME": home}
        subprocess.run(command, check=True, env=env, timeout=timeout, capture_output=True)
    return json.loads(Path(report_path).read_text())


def scores(report):
    return {key: round(category["score"] * 100) for key, category in report["categories"].items()}


def failing_audits(report, category):
    """The audits that cost `category` points, for a failure message."""
    refs = report["categories"][category]["auditRefs"]
    audits = report["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']]['title']}"
        for ref in refs
        if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
    ]


def transferred_bytes(report):
    return report["audits"]["total-byte-weight"]["numericValue"]


def shop_pages(shop, browser):
    """{name: (url, cookie)}: what a shopper sees, with a real order placed and paid through the sandbox,
    then a new line in the cart (so the cart and checkout pages are the full ones)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        search(shop, page, "kopi gayo")
        product_url = page.locator("a.product-card__name", has_text=PRODUCT).get_attribute("href")
        add_from_grid(page, PRODUCT, expected_badge=1)
        page.goto(shop.url + "/checkout/")
        fill_checkout(page)
        submit_checkout(page)
        expect_sandbox_page(shop, page)
        pay_on_sandbox(shop, page, "bca_va")
        the_order = order_url(page)
        search(shop, page, "kopi gayo")
        add_from_grid(page, PRODUCT, expected_badge=1)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies(shop.url))
    finally:
        context.close()
    return {
        "catalog": (shop.url + "/", None),
        "product": (shop.url + product_url, None),
        "cart": (shop.url + "/cart/", cookie),
        "checkout": (shop.url + "/checkout/", cookie),
        "order": (the_order, None),
    }
