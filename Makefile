# The two commands of the README:
#   make run   install everything and serve the shop at http://127.0.0.1:5000 (SQLite, demo data, Midtrans sandbox)
#   make test  install everything and run every test (set TEST_DATABASE_URL to run them on PostgreSQL too)

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app wsgi

.PHONY: run test install translations clean

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

run: install .env
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/pytest

# After changing user-facing text: extract, merge into the catalogues, compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(VENV) .pytest_cache
