"""Lighthouse Performance and the bytes each page transfers, on the shop as deployed (gunicorn, hashed
and compressed static files, SQLite with the demo catalog), in Debian's Chromium.

    .venv/bin/python bench/lighthouse.py [--runs 3]

Prints, per page, the median Performance score (mobile preset, simulated throttling) with its LCP, TBT
and CLS, and the bytes transferred. Lighthouse is CPU-heavy and its Performance score moves with the
machine's load: run it on an idle machine (target ≥ 98) and record the figures in bench/RESULTS.md.
Needs `make e2e-deps` (Chromium, Lighthouse from npm).
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, running_shop  # noqa: E402
from tests.support.lighthouse import run_lighthouse, shop_pages, transferred_bytes  # noqa: E402

PAGES = ["catalog", "product", "cart", "checkout", "order"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, running_shop("sqlite", Path(work)) as shop:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = shop_pages(shop, browser)
            browser.close()
        print(f"{'page':<10} {'perf':>5} {'LCP ms':>8} {'TBT ms':>7} {'CLS':>6} {'bytes':>8}  (median of {args.runs})")
        for name in PAGES:
            url, cookie = pages[name]
            reports = [
                run_lighthouse(url, ["performance"], Path(work) / f"{name}-{i}.json", cookie=cookie)
                for i in range(args.runs)
            ]

            def median(metric, reports=reports):
                return statistics.median(r["audits"][metric]["numericValue"] for r in reports)

            perf = statistics.median(round(r["categories"]["performance"]["score"] * 100) for r in reports)
            print(
                f"{name:<10} {perf:>5.0f} {median('largest-contentful-paint'):>8.0f} "
                f"{median('total-blocking-time'):>7.0f} {median('cumulative-layout-shift'):>6.3f} "
                f"{statistics.median(transferred_bytes(r) for r in reports):>8.0f}"
            )


if __name__ == "__main__":
    main()
