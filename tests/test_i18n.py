"""Languages: Bahasa Indonesia by default, English on request (remembered in the session), a safe
language switch, and a committed catalogue that matches the code and its compiled .mo."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import flask_babel
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.support.helpers import make_product

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
ID_PO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"
ID_MO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.mo"

HTML_LANG = re.compile(r'<html lang="([^"]*)">')


@pytest.fixture(autouse=True)
def _locale_per_request(request):
    """Flask-Babel caches the locale on `g`, which lives as long as the app context. In production every
    request has its own; here the `app` fixture keeps one open for the whole test, so the test client's
    requests share it. Forget the cached locale at each request, as a fresh context would."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").before_request(flask_babel.refresh)


def page_language(response):
    match = HTML_LANG.search(response.get_data(as_text=True))
    assert match, "no <html lang> on the page"
    return match.group(1)


def switch_language(shopper, lang, next_url="/"):
    return shopper.post("/language", {"lang": lang, "next": next_url})


# ---------------------------------------------------------------------------------------------------
# The shop in both languages
# ---------------------------------------------------------------------------------------------------


def test_home_page_is_in_indonesian_by_default(client):
    make_product(stock=3)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_language(response) == "id"
    assert "Produk lokal dari seluruh Indonesia" in html
    assert "Tambah ke keranjang" in html
    assert "Sisa 3" in html
    assert "Local goods from across Indonesia" not in html
    assert "Add to cart" not in html


def test_language_switch_to_english_is_remembered(client, shopper):
    make_product()
    response = switch_language(shopper, "en")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"

    home = client.get("/")
    html = home.get_data(as_text=True)
    assert page_language(home) == "en"
    assert "Local goods from across Indonesia" in html
    assert "Add to cart" in html
    assert "Tambah ke keranjang" not in html

    # Still English on the next requests and other pages.
    cart = client.get("/cart/")
    assert page_language(cart) == "en"
    assert "Your cart is empty." in cart.get_data(as_text=True)


def test_language_switch_back_to_indonesian(client, shopper):
    switch_language(shopper, "en")
    assert page_language(client.get("/")) == "en"
    switch_language(shopper, "id")
    home = client.get("/")
    assert page_language(home) == "id"
    assert "Produk lokal dari seluruh Indonesia" in home.get_data(as_text=True)


def test_switch_returns_to_the_page_it_was_posted_from(shopper):
    response = switch_language(shopper, "en", "/?q=kopi&category=kopi-teh")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?q=kopi&category=kopi-teh"


@pytest.mark.parametrize("lang", ["fr", "", "EN", "id-ID", "../en"])
def test_unknown_language_is_ignored(client, shopper, lang):
    response = switch_language(shopper, lang)
    assert response.status_code == 303
    assert page_language(client.get("/")) == "id"

    # And it does not undo a language chosen earlier.
    switch_language(shopper, "en")
    switch_language(shopper, lang)
    assert page_language(client.get("/")) == "en"


def test_language_switch_needs_the_csrf_token(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 400
    assert page_language(client.get("/")) == "id"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example",
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "http:/evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_cannot_redirect_off_site(shopper, next_url):
    response = switch_language(shopper, "en", next_url)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_with_a_backslash_stays_on_site(shopper):
    # Browsers read "/\evil.example" as "//evil.example"; it must reach them as a plain path.
    location = switch_language(shopper, "en", "/\\evil.example").headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location


def test_missing_next_goes_home(shopper):
    response = shopper.post("/language", {"lang": "en"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_plural_strings_in_both_languages(client, shopper):
    product = make_product()
    shopper.add(product.id, 2)
    assert 'aria-label="2 barang di keranjang"' in client.get("/").get_data(as_text=True)
    switch_language(shopper, "en")
    assert 'aria-label="2 items in cart"' in client.get("/").get_data(as_text=True)
    assert "1 product</p>" in client.get("/").get_data(as_text=True)


def test_form_labels_and_errors_follow_the_language(client, shopper):
    product = make_product()
    shopper.add(product.id)
    page = client.get("/checkout/").get_data(as_text=True)
    assert "Nama lengkap" in page and "Kode pos" in page
    invalid = shopper.checkout(postal_code="123").get_data(as_text=True)
    assert "Kode pos terdiri dari 5 angka." in invalid

    switch_language(shopper, "en")
    page = client.get("/checkout/").get_data(as_text=True)
    assert "Full name" in page and "Postal code" in page
    invalid = shopper.checkout(postal_code="123").get_data(as_text=True)
    assert "A postal code has 5 digits." in invalid


# ---------------------------------------------------------------------------------------------------
# The committed catalogue
# ---------------------------------------------------------------------------------------------------


def _read_po(path):
    with open(path, "rb") as f:
        return read_po(f)


def _as_tuple(value):
    # Plural entries: read_po gives tuples, read_mo lists.
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _messages(catalog):
    return {_as_tuple(message.id): _as_tuple(message.string) for message in catalog if message.id}


def _fresh_template(tmp_path):
    """Extract the messages from the code now, exactly as `make translations` does."""
    pot = tmp_path / "messages.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return _read_po(pot)


def test_catalogue_has_every_string_of_the_code(tmp_path):
    template = _fresh_template(tmp_path)
    translated = _messages(_read_po(ID_PO))
    missing = [message.id for message in template if message.id and message.id not in translated]
    assert len(_messages(template)) > 50
    assert not missing, (
        "Strings in the code that translations/id/.../messages.po does not have; run `make translations` "
        f"and translate them: {missing}"
    )


def test_every_indonesian_string_is_translated():
    catalog = _read_po(ID_PO)
    untranslated = []
    fuzzy = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"empty msgstr: {untranslated}"
    assert not fuzzy, f"fuzzy (check the translation, then remove the flag): {fuzzy}"


def test_indonesian_has_one_plural_form():
    catalog = _read_po(ID_PO)
    assert catalog.num_plurals == 1
    assert catalog.plural_expr == "0"
    for message in catalog:
        if message.pluralizable:
            assert len(message.string) == 1, message.id


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]")


def test_placeholders_are_kept():
    for message in _read_po(ID_PO):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            assert sorted(set(PLACEHOLDER.findall(string))) == expected, (message.id, string)


def test_compiled_mo_matches_the_po():
    with open(ID_MO, "rb") as f:
        compiled = read_mo(f)
    po = _read_po(ID_PO)
    assert _messages(compiled) == _messages(po), (
        "translations/id/LC_MESSAGES/messages.mo is out of date: run `pybabel compile -d translations`"
    )
    assert compiled.plural_forms == po.plural_forms
