# The two commands of the README:
#   make run   install everything and serve the shop at http://127.0.0.1:5000 (SQLite, demo data, Midtrans sandbox)
#   make test  install everything and run every test (set TEST_DATABASE_URL to run them on PostgreSQL too)

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app wsgi

E2E = tests/e2e

.PHONY: run test lint test-latest install static e2e-deps chromium haproxy translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# A private SECRET_KEY for this laptop, made once; production sets its own in the environment.
# The laptop serves plain http, so the session cookie cannot be Secure-only there.
.env:
	$(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_hex(32))' > $@
	echo "SESSION_COOKIE_SECURE=false" >> $@

# Static files under content-hashed names (with .gz/.br copies), cached by browsers for a year. A build
# step: it reads no production setting, so it runs in debug mode (no SECRET_KEY or PUBLIC_URL needed).
static: install
	FLASK_DEBUG=1 $(FLASK) digest compile

# honcho runs Procfile.dev: the shop on 5000 and the built-in Midtrans sandbox on 5001, one Ctrl-C stops both.
run: install .env static
	@# The shop's address for links in e-mails and for Midtrans (added to an .env made before it existed).
	@grep -q '^PUBLIC_URL=' .env || echo "PUBLIC_URL=http://127.0.0.1:5000" >> .env
	$(FLASK) db upgrade
	$(FLASK) seed
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: install e2e-deps haproxy lint
	$(BIN)/pytest

# Lint, types and layers (configured in pyproject.toml); `make test` runs it first, so CI fails on any.
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Not part of CI: the suite against the newest release of every dependency, in a separate virtualenv
# (.venv-latest), to see an upgrade's breakage before it is pinned. requirements*.txt stay pinned.
test-latest: e2e-deps haproxy
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/pip install --quiet --upgrade pip
	grep -hv '^-r' requirements.txt requirements-dev.txt | sed -E 's/#.*//; s/[=<>~!]=.*//' | grep -v '^ *$$' > .venv-latest/latest.txt
	.venv-latest/bin/pip install --quiet --upgrade -r .venv-latest/latest.txt
	.venv-latest/bin/pip list --format=freeze
	.venv-latest/bin/pytest

# The browser tests (tests/e2e) also need Debian's Chromium, driven by Playwright (never a downloaded
# browser), and axe-core from npm, pinned by tests/e2e/package-lock.json into tests/e2e/node_modules.
e2e-deps: chromium $(E2E)/node_modules/.installed

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "Chromium is missing (/usr/bin/chromium): install Debian's package (sudo apt-get install chromium) or run make test as root." >&2; \
	    exit 1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# bench/scale_out.py (and its test) put the shop's instances behind Debian's HAProxy.
haproxy:
	@if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "HAProxy is missing: install Debian's package (sudo apt-get install haproxy) or run make test as root." >&2; \
	    exit 1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	fi

$(E2E)/node_modules/.installed: $(E2E)/package.json $(E2E)/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "npm is missing: install Node.js and npm (sudo apt-get install npm) or run make test as root." >&2; \
	    exit 1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	fi
	npm ci --prefix $(E2E) --no-audit --no-fund --loglevel=error
	touch $@

# After changing user-facing text: extract, merge into the catalogues, compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache $(E2E)/node_modules
