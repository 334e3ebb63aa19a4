"""Steps and checks shared by the end-to-end tests: what a shopper does, and how we know it happened.

Everything waits on a condition (Playwright's auto-waiting `expect`), never on a fixed delay.
"""

import json
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

CUSTOMER = {
    "name": "Siti Rahmawati",
    "email": "siti@example.co.id",
    "phone": "0812-3456-7890",
    "postal_code": "55213",
    "address": "Jl. Malioboro No. 12",
}
# DI Yogyakarta → Kota Yogyakarta → Gondomanan; `flask seed`'s demo rates price JNE REG at Rp20.000/kg there.
ADDRESS = {"province": "34", "city": "34.71", "district": "34.71.10"}
SERVICE = "jne-reg"
BAD_PHONE = "12345"
APPROVED_CARD = "4811 1111 1111 1114"
STATUS = "#order-status"

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
HTMX_CDN = "https://cdn.jsdelivr.net/**"
HTMX_CDN_URL = "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


# Every page reports Content-Security-Policy violations (an inline style an htmx swap applies, a script
# from an origin the policy does not name) to the test, which fails on any.
REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", e => {
    window.__e2eCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
                             + ` (${e.sourceFile || location.href}:${e.lineNumber})`);
});"""

# The only console errors a correct page may log, matched against "<message> <url it is about>": a form
# that htmx posts and the server refuses with 422 (validation errors, by design: the fragment with the
# messages is swapped in), and the /favicon.ico the browser asks of any origin by itself (the Midtrans
# sandbox has none; the shop's is tested in tests/test_search_and_sharing.py).
EXPECTED_CONSOLE_ERRORS = (
    re.compile(r"^Failed to load resource: the server responded with a status of 422\b"),
    re.compile(r"^Failed to load resource: the server responded with a status of 404 .*/favicon\.ico$"),
)


def new_browser_context(browser, errors, expected_console_errors=(), **options):
    """A browser context with the shop's test defaults. Uncaught page errors, console errors and CSP
    violations are collected in `errors` (the `new_context` fixture fails the test on any); messages
    matching `expected_console_errors` (regular expressions searched in "<message> <url>") are the
    test's to expect."""
    options.setdefault("viewport", DESKTOP)
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    # An uncaught exception in any page (htmx's included) fails the test.
    context.on(
        "weberror", lambda web_error: errors.append(f"{web_error.page and web_error.page.url}: {web_error.error}")
    )
    allowed = EXPECTED_CONSOLE_ERRORS + tuple(re.compile(p) for p in expected_console_errors)

    def on_console(message):
        subject = f"{message.text} {message.location.get('url', '')}"
        if message.type == "error" and not any(p.search(subject) for p in allowed):
            errors.append(f"console error on {message.page and message.page.url}: {message.text} {message.location}")

    context.on("console", on_console)
    context.expose_binding(
        "__e2eCspViolation", lambda source, text: errors.append(f"CSP violation on {source['page'].url}: {text}")
    )
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return context


# ---------------------------------------------------------------------------------------------------
# No page load: the in-place updates must really be in place
# ---------------------------------------------------------------------------------------------------


@contextmanager
def stays_on_page(page: Page):
    """Fails unless the block ran without any document load: a marker set on `window` before must
    survive, and the page must not fire DOMContentLoaded (htmx's pushState does not; a reload does)."""
    marker = secrets.token_hex(8)
    page.evaluate("marker => { window.__marker = marker }", marker)
    loads = []

    def on_load(loaded_page):
        loads.append(loaded_page.url)

    page.on("domcontentloaded", on_load)
    try:
        yield
    finally:
        page.remove_listener("domcontentloaded", on_load)
    assert not loads, f"expected an in-place (htmx) update, but the page loaded again: {loads}"
    assert page.evaluate("() => window.__marker") == marker, "the page was replaced (marker lost)"


def assert_htmx_from_local_copy(page: Page):
    """The shop under test has no CDN configured (or it is unreachable): htmx is the copy the shop ships."""
    assert page.evaluate("() => typeof window.htmx === 'object' && window.htmx.version"), "htmx did not load"
    expect(page.locator("script[src*='/static/vendor/htmx-']")).to_have_count(1)


# ---------------------------------------------------------------------------------------------------
# Screenshots: each step at a desktop and a phone width
# ---------------------------------------------------------------------------------------------------


class Screenshots:
    """`shots(page, "cart")` writes <flow>-<nn>-cart-desktop.png and -mobile.png to test-artifacts/."""

    def __init__(self, flow, enabled=True):
        self.flow = flow
        self.enabled = enabled
        self.count = 0

    def __call__(self, page: Page, step: str):
        if not self.enabled:
            return
        self.count += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{self.flow}-{self.count:02d}-{step}"
        original = page.viewport_size or DESKTOP
        for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
            if page.viewport_size != size:
                page.set_viewport_size(size)
            wait_for_visible_images(page)
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", animations="disabled")
        if page.viewport_size != original:
            page.set_viewport_size(original)


def wait_for_visible_images(page: Page):
    """Lazy images that just scrolled into view: wait until they are decoded, so shots are complete."""
    page.wait_for_function(
        """() => [...document.images].every(img => {
               const r = img.getBoundingClientRect();
               const visible = r.bottom > 0 && r.top < innerHeight && r.width > 0;
               return !visible || (img.complete && img.naturalWidth > 0);
           })"""
    )


# ---------------------------------------------------------------------------------------------------
# Catalog and cart
# ---------------------------------------------------------------------------------------------------


def product_card(page: Page, name: str):
    return page.locator("#product-results li.product-card").filter(
        has=page.locator("a.product-card__name", has_text=name)
    )


def _add_form(scope):
    return scope.locator("xpath=descendant-or-self::form[contains(concat(' ', @class, ' '), ' add-form ')]").first


def product_id_of(scope) -> str:
    """The product of the add form in `scope` (its ids end in it: add-form-<id>, qty-<id>, add-button-<id>)."""
    return _add_form(scope).get_attribute("id").removeprefix("add-form-")


def variant_id_of(scope) -> str:
    """The variant the add form in `scope` adds: the cart line's id (cart-line-<id>, qty-line-<id>)."""
    return _add_form(scope).locator("input[name=variant_id]").get_attribute("value")


def search(shop, page: Page, text: str):
    """The catalog filtered to `text`: opened by URL (the search itself is tested on its own)."""
    page.goto(f"{shop.url}/?{urlencode({'q': text})}")
    expect(page.locator("#product-results")).to_be_visible()


def add_from_grid(page: Page, name: str, expected_badge: int):
    """Click the card's "add to cart" button; htmx swaps the form and the header badge in place. Returns
    the variant added (the id of its cart line)."""
    card = product_card(page, name)
    expect(card).to_have_count(1)
    product_id = product_id_of(card)
    variant_id = variant_id_of(card)
    with stays_on_page(page):
        card.locator(f"#add-button-{product_id}").click()
        expect(card.locator(f"#add-result-{product_id}")).to_contain_text(name)
        expect(page.locator("#cart-badge")).to_have_text(str(expected_badge))
    return variant_id


def open_product(page: Page, name: str):
    page.locator("a.product-card__name", has_text=name).click()
    expect(page.locator("h1")).to_have_text(name)
    return product_id_of(page.locator("form.add-form"))


def add_from_detail(page: Page, quantity: int, expected_badge: int):
    product_id = product_id_of(page.locator("form.add-form"))
    with stays_on_page(page):
        page.locator(f"#qty-{product_id}").fill(str(quantity))
        page.locator(f"#add-button-{product_id}").click()
        expect(page.locator(f"#add-result-{product_id}")).to_contain_text(page.locator("h1").inner_text())
        expect(page.locator("#cart-badge")).to_have_text(str(expected_badge))
    return product_id


def go_to_cart(page: Page):
    page.locator("a.cart-link").click()
    expect(page.locator("#cart")).to_be_visible()


# ---------------------------------------------------------------------------------------------------
# Checkout and the Midtrans sandbox
# ---------------------------------------------------------------------------------------------------


def fill_checkout(page: Page, service=SERVICE, **overrides):
    """Type the contact and street fields, then pick the address from the chained lists and a service."""
    for field, value in {**CUSTOMER, **overrides}.items():
        page.locator(f"#checkout-form #{field}").fill(value)
    choose_address(page)
    choose_service(page, service)


def wait_for_htmx(page: Page):
    """htmx is deferred: the form can be filled before htmx has bound its lists, and a choice made then
    loads nothing. Wait until the page has loaded and, with JavaScript on, htmx is there (it processes the
    page as it starts)."""
    page.wait_for_load_state("load")  # the deferred loader has run by then and marked <html> with "js"
    if page.evaluate("() => document.documentElement.classList.contains('js')"):
        page.wait_for_function("() => typeof window.htmx === 'object'")


def choose_address(page: Page, province=ADDRESS["province"], city=ADDRESS["city"], district=ADDRESS["district"]):
    """Each choice loads the next list: with htmx in place, or, without JavaScript, by the step button
    (only then is it a real button: it sits in <noscript>)."""
    wait_for_htmx(page)
    for field, value, next_option in (
        ("province", province, f"#city option[value='{city}']"),
        ("city", city, f"#district option[value='{district}']"),
        ("district", district, "#shipping-services input[name=shipping_service]"),
    ):
        with htmx_settles(page):
            page.locator(f"#{field}").select_option(value)
            step = page.locator(f"button[name=step][value={field}]")
            if step.count() and step.is_visible():
                step.click()
        expect(page.locator(next_option).first).to_be_attached()


@contextmanager
def htmx_settles(page: Page):
    """Wait, after the choice made inside, until htmx has settled the list it swapped in. htmx binds the new
    lists in its settle step (20 ms after the swap): a choice made in between would load nothing. A shopper
    is never that quick; a test is. Without JavaScript the step button reloads the page and nothing waits."""
    with_htmx = page.evaluate("() => document.documentElement.classList.contains('js')")
    if with_htmx:
        page.evaluate(
            """() => { window.e2eSettled = false;
                document.body.addEventListener('htmx:afterSettle', () => { window.e2eSettled = true; }, {once: true}); }"""
        )
    yield
    if with_htmx:
        page.wait_for_function("() => window.e2eSettled === true")


def choose_service(page: Page, service=SERVICE):
    page.locator(f"#shipping-services input[value='{service}']").check()
    step = page.locator("button[name=step][value=service]")
    if step.count() and step.is_visible():
        step.click()  # without JavaScript the total is updated by a reload
    label = page.locator(f"#shipping-services label:has(input[value='{service}']) .shipping-option__name").inner_text()
    expect(page.locator("#order-summary")).to_contain_text(label)


def submit_checkout(page: Page):
    page.locator("#checkout-form .form-actions button[type=submit]").click()


def checkout_with_bad_phone_first(shop, page: Page, shots=None):
    """From the cart: a wrong phone number is refused in place (htmx), then the fixed form goes to Midtrans."""
    page.locator("#cart a[href$='/checkout/']").click()
    expect(page.locator("#checkout-form")).to_be_visible()
    fill_checkout(page, phone=BAD_PHONE)
    with stays_on_page(page):
        submit_checkout(page)
        expect(page.locator("#phone-error")).to_be_visible()
        expect(page.locator("#checkout-form .form-errors[role=alert]")).to_be_visible()
        expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#phone")).to_be_focused()  # the first field to fix
        # What the shopper typed elsewhere is kept.
        expect(page.locator("#name")).to_have_value(CUSTOMER["name"])
    if shots:
        shots(page, "checkout-error")
    page.locator("#phone").fill(CUSTOMER["phone"])
    submit_checkout(page)
    expect_sandbox_page(shop, page)


def expect_sandbox_page(shop, page: Page):
    page.wait_for_url(f"{shop.sandbox_url}/snap/**")
    expect(page.locator("#order-summary")).to_be_visible()


def choose_method(page: Page, method: str):
    page.locator(f"button[name=method][value={method}]").click()


def pay_on_sandbox(shop, page: Page, method: str):
    """On the sandbox payment page: pick a method and pay; the sandbox sends the browser back."""
    if method == "credit_card":
        choose_method(page, "credit_card")
        page.locator("input[name=card_number]").fill(APPROVED_CARD)
        page.locator("#pay-card").click()
    else:
        choose_method(page, method)
        expect(page.locator("#instructions")).to_be_visible()
        page.locator("#pay").click()
    expect_order_page(shop, page)


def expect_order_page(shop, page: Page):
    page.wait_for_url(re.compile(re.escape(shop.url) + r"/orders/[^/?]+(\?.*)?$"))
    expect(page.locator(STATUS)).to_be_visible()


def order_status(page: Page):
    return page.locator(STATUS)


def expect_status(page: Page, status: str, timeout=15_000):
    # The page polls every 2 s and the notification round trip adds a little: allow a few polls.
    expect(order_status(page)).to_have_attribute("data-order-status", status, timeout=timeout)


def order_url(page: Page) -> str:
    return page.url.split("?")[0]


def reload_until_status(page: Page, status: str, attempts=30):
    """Without JavaScript nothing polls: reload (bounded) until the server says `status`."""
    for _ in range(attempts):
        try:
            expect(order_status(page)).to_have_attribute("data-order-status", status, timeout=500)
            return
        except AssertionError:
            page.reload()
    expect(order_status(page)).to_have_attribute("data-order-status", status, timeout=500)


# ---------------------------------------------------------------------------------------------------
# Accessibility
# ---------------------------------------------------------------------------------------------------

BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page: Page, name: str):
    """Run axe-core (pinned in tests/e2e/package.json) on the page; keep the full report as an artifact."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make e2e-deps` (npm ci --prefix tests/e2e)")
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    report_dir = ARTIFACTS / "axe"
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / f"{name}.json").write_text(json.dumps(results["violations"], indent=2))
    return results["violations"]


def assert_no_serious_axe_violations(page: Page, name: str):
    violations = axe_violations(page, name)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"axe found serious/critical problems on the {name} page:\n{details}"


UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(el => el.type !== 'hidden')
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby'))
    .map(el => el.outerHTML)"""


def assert_every_input_labelled(page: Page):
    assert page.evaluate(UNLABELLED_CONTROLS) == []


def assert_error_announced(page: Page, control_selector: str, live_selector: str, text=None):
    """The control is marked invalid and described (aria-describedby) by a visible error message, and
    `live_selector` (the message or a summary) is a live region, so the error is read out when it appears."""
    control = page.locator(control_selector)
    expect(control).to_have_attribute("aria-invalid", "true")
    described_by = (control.get_attribute("aria-describedby") or "").split()
    errors = [
        id_
        for id_ in described_by
        if page.locator(f"#{id_}").evaluate("el => el.matches('.field__error') || !!el.querySelector('.field__error')")
    ]
    assert errors, f"{control_selector} is not described by an error message (aria-describedby={described_by})"
    message = page.locator(f"#{errors[0]}")
    expect(message).to_be_visible()
    if text is not None:
        expect(message).to_contain_text(text)
    live = page.locator(live_selector)
    expect(live).to_be_visible()
    assert live.evaluate("el => !!el.closest('[role=alert], [role=status], [aria-live]:not([aria-live=off])')"), (
        f"{live_selector} is not in a live region"
    )


# Contrast of the focus ring against what is behind it (WCAG 1.4.11 asks 3:1 for UI state).
FOCUS_STYLE = """el => {
    const parse = c => {
        const m = c.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
    };
    const behind = node => {
        for (let n = node; n; n = n.parentElement) {
            const c = parse(getComputedStyle(n).backgroundColor);
            if (c && c.a > 0.5) return c;
        }
        return {r: 255, g: 255, b: 255, a: 1};
    };
    const lum = c => {
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const cs = getComputedStyle(el);
    const bg = behind(el.parentElement);
    let ring = parse(cs.outlineColor) || {r: 0, g: 0, b: 0, a: 0};
    ring = {r: ring.r * ring.a + bg.r * (1 - ring.a), g: ring.g * ring.a + bg.g * (1 - ring.a),
            b: ring.b * ring.a + bg.b * (1 - ring.a)};
    const [hi, lo] = [lum(ring), lum(bg)].sort((x, y) => y - x);
    const rect = el.getBoundingClientRect();
    return {
        element: el.outerHTML.slice(0, 120),
        outlineStyle: cs.outlineStyle,
        outlineWidth: parseFloat(cs.outlineWidth) || 0,
        contrast: (hi + 0.05) / (lo + 0.05),
        visible: rect.width > 0 && rect.height > 0 && cs.visibility !== 'hidden',
    };
}"""


FOCUS_STOP = (
    """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    if (el.dataset.e2eStop) return {repeat: true};
    window.__e2eStops = (window.__e2eStops || 0) + 1;
    el.dataset.e2eStop = String(window.__e2eStops);
    return (%s)(el);
}"""
    % FOCUS_STYLE
)


def focus_problems(page: Page, max_stops=150):
    """Tab through every stop of the page (from wherever the focus is, round past the end); each must
    be visible and show a ring of >= 2px with >= 3:1 contrast against what is behind it."""
    # Tab only once the page is quiet: an htmx swap landing mid-walk would take the focus with it.
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    problems, stops, outside = [], 0, 0
    for _ in range(max_stops):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STOP)
        if style is None:
            outside += 1  # past the last element (the browser's own UI); the next Tab starts over
            if outside > 2:
                break
            continue
        if style.get("repeat"):
            break
        stops += 1
        if (
            not style["visible"]
            or style["outlineStyle"] == "none"
            or style["outlineWidth"] < 2
            or style["contrast"] < 3
        ):
            problems.append(style)
    assert stops > 3, f"Tab reached almost nothing on {page.url} ({stops} stops, {outside} times outside the page)"
    return problems


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, max_tabs=80, backwards=False):
    """Press Tab (or Shift+Tab) until `selector` has the focus: the keyboard-only shopper's way round."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(max_tabs):
        if focused(page, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never got the focus after {max_tabs} presses of {key}")
