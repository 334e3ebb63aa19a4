"""htmx from its CDN never holds the shop up: when the CDN fails the shop's own copy takes over at once;
when it never answers, the loader's 300 ms timer (not the browser's network timeout, tens of seconds) brings
the shop's copy; either way htmx runs exactly once. The order of events is asserted, not wall-clock
budgets (a busy CI box is no measure of speed); the figures are in the failure messages.

A shop of its own with HTMX_CDN_URL set (the other browser tests run without the CDN), pointing at a
CDN double over real HTTP (this machine cannot reach the real CDN).
"""

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import running_shop
from tests.support.cdn_double import CdnDouble
from tests.support.e2e import add_from_grid

pytestmark = pytest.mark.e2e

CDN_FAILED = r"^Failed to load resource: net::ERR_EMPTY_RESPONSE http://127\.0\.0\.1:\d+/npm/htmx\.org@"
CATALOG = "/?category=camilan"
# Set by the page itself the moment htmx has processed the document (htmx fires htmx:load on <body>).
RECORD_HTMX_READY = """document.addEventListener("error", e => {
    if (e.target.src && e.target.src.includes("/npm/htmx.org@")) window.__cdnFailedAt = performance.now();
}, true);
document.addEventListener("htmx:load", e => {
    if (e.target === document.body && !window.__htmxReadyAt) window.__htmxReadyAt = performance.now();
});
new MutationObserver(() => {
    if (!window.__cdnRequestedAt && [...document.scripts].some(s => s.src.includes("/npm/htmx.org@")))
        window.__cdnRequestedAt = performance.now();
}).observe(document, {childList: true, subtree: true});"""


@pytest.fixture(scope="module")
def cdn():
    double = CdnDouble()
    yield double
    double.close()


@pytest.fixture(scope="module")
def cdn_shop(tmp_path_factory, cdn):
    with running_shop("sqlite", tmp_path_factory.mktemp("e2e-cdn"), {"HTMX_CDN_URL": cdn.url}) as server:
        # Both gunicorn workers past their first (template-compiling) request: the test times the page.
        for _ in range(4):
            requests.get(server.url + CATALOG, timeout=10)
        yield server


def open_catalog_and_time_htmx(page, url):
    """Seconds from the start of navigation (the browser's clock) until htmx has processed the page;
    the page's own `load` may wait on a CDN that never answers, so nothing here waits for it."""
    page.goto(url + "/robots.txt")  # the browser's own first-navigation start-up is not the shop's
    page.add_init_script(RECORD_HTMX_READY)
    page.goto(url + CATALOG, wait_until="domcontentloaded")
    page.wait_for_function("() => window.__htmxReadyAt")
    expect(page.locator("#product-results li.product-card").first).to_be_visible()
    return page.evaluate("() => window.__htmxReadyAt") / 1000


def timings(page):
    """Where the time went (ms from navigation start), for the failure message."""
    return page.evaluate(
        """() => {
            const [nav] = performance.getEntriesByType('navigation');
            const lines = [`html ${Math.round(nav.responseStart)}-${Math.round(nav.responseEnd)}`,
                           `DOMContentLoaded ${Math.round(nav.domContentLoadedEventEnd)}`,
                           `htmx ready ${Math.round(window.__htmxReadyAt)}`,
                           `CDN error event ${Math.round(window.__cdnFailedAt)}`];
            for (const e of performance.getEntriesByType('resource'))
                lines.push(`${e.name.split('/').pop()} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`);
            return lines.join('; ');
        }"""
    )


def htmx_scripts(page):
    return page.evaluate(
        "() => [...document.scripts].map(s => s.src).filter(src => src.includes('htmx.min') || src.includes('/vendor/htmx-'))"
    )


def test_cdn_request_failing_the_shops_copy_takes_over_at_once(cdn_shop, cdn, new_context):
    page = new_context(expected_console_errors=[CDN_FAILED]).new_page()
    cdn.drop()
    open_catalog_and_time_htmx(page, cdn_shop.url)
    assert cdn.requests == 1
    # Taken over on the CDN's error event, not by the 300 ms timer.
    after_error = page.evaluate(
        """() => performance.getEntriesByType('resource').find(e => e.name.includes('/static/vendor/htmx-')).startTime
                 - window.__cdnFailedAt"""
    )
    assert after_error < 250, f"local copy requested {after_error:.0f} ms after the CDN failed: {timings(page)}"
    [local] = htmx_scripts(page)  # the CDN's <script> was moved out of the page, never to run
    assert "/static/vendor/htmx-2.0.11.min-" in local
    add_from_grid(page, "Keripik Tempe Malang 250 g", expected_badge=1)


def test_cdn_never_answering_the_shops_copy_takes_over_after_300_ms(cdn_shop, cdn, new_context):
    page = new_context().new_page()
    cdn.hang()
    open_catalog_and_time_htmx(page, cdn_shop.url)
    assert cdn.requests == 1, "the page did not ask the CDN"
    # The CDN was given its 300 ms first, and htmx is working while the CDN's request still hangs.
    delay = page.evaluate(
        """() => performance.getEntriesByType('resource').find(e => e.name.includes('/static/vendor/htmx-')).startTime
                 - window.__cdnRequestedAt"""
    )
    assert delay >= 250, f"local copy requested {delay:.0f} ms after the CDN: {timings(page)}"
    cdn_ended = page.evaluate(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/npm/htmx.org@'))"
    )
    assert not cdn_ended and not page.evaluate("() => window.__cdnFailedAt"), timings(page)
    add_from_grid(page, "Keripik Tempe Malang 250 g", expected_badge=1)


def test_a_cdn_answer_after_the_fallback_never_runs_htmx_twice(cdn_shop, cdn, new_context):
    page = new_context().new_page()
    cdn.hang()
    open_catalog_and_time_htmx(page, cdn_shop.url)
    page.evaluate("() => { window.__firstHtmx = window.htmx }")
    cdn.answer_now()
    page.wait_for_load_state("load")  # the page's load waited for that request: it has been handled
    assert page.evaluate("() => window.htmx === window.__firstHtmx"), "htmx ran a second time"
    # In place, and one request per click: a second htmx would have bound the button twice.
    add_from_grid(page, "Keripik Tempe Malang 250 g", expected_badge=1)
