"""Lighthouse 12 (the real tool, Debian's Chromium) on the running shop: Accessibility, Best Practices
and SEO score 100 on the catalog and a product page; Accessibility and Best Practices score 100 on the
cart, the checkout and an order page (which say `noindex`, so SEO does not apply).

One Lighthouse run per page (it is CPU-heavy); Performance is measured by bench/lighthouse.py instead,
since a speed figure on a shared machine is a measurement, not a pass/fail fact.
"""

import pytest

from tests.e2e.conftest import running_shop
from tests.support.e2e import ARTIFACTS
from tests.support.lighthouse import failing_audits, run_lighthouse, scores, shop_pages

pytestmark = pytest.mark.e2e

PUBLIC = ["accessibility", "best-practices", "seo"]
PRIVATE = ["accessibility", "best-practices"]


@pytest.fixture(scope="module")
def audited_shop(tmp_path_factory, browser):
    """The shop as deployed (gunicorn, hashed and compressed assets, PUBLIC_URL = its own origin) and
    the URLs (with the shopper's cookie where the page is theirs) of the pages to audit."""
    with running_shop("sqlite", tmp_path_factory.mktemp("e2e-lighthouse")) as server:
        yield shop_pages(server, browser)


@pytest.mark.parametrize(
    "name, categories",
    [("catalog", PUBLIC), ("product", PUBLIC), ("cart", PRIVATE), ("checkout", PRIVATE), ("order", PRIVATE)],
)
def test_lighthouse_scores_100(audited_shop, name, categories):
    url, cookie = audited_shop[name]
    report_dir = ARTIFACTS / "lighthouse"
    report_dir.mkdir(parents=True, exist_ok=True)
    report = run_lighthouse(url, categories, report_dir / f"{name}.json", cookie=cookie)
    assert not report.get("runtimeError"), report.get("runtimeError")
    got = scores(report)
    problems = {category: failing_audits(report, category) for category in categories if got[category] < 100}
    assert all(got[category] == 100 for category in categories), f"{name} ({url}): {got}; {problems}"
