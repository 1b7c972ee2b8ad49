# Kinerja: `make run` (system with demo data on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
NPM_STAMP = node_modules/.installed

.PHONY: install run test bench lint clean messages browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The bpmn-js import check (tests/workflows/test_bpmn_import.py) needs bpmn-moddle from package.json.
$(NPM_STAMP): package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $(NPM_STAMP)

# UI catalogues: one per area (webui/translations/id/LC_MESSAGES/<area>.po), compiled at install.
MO_FILES = $(patsubst %.po,%.mo,$(wildcard webui/translations/*/LC_MESSAGES/*.po))
%.mo: %.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

# The process owner's modeler (bpmn-js Modeler, properties panel, Camunda 7 moddle) bundled by esbuild.
MODELER = webui/static/build/modeler.js
$(MODELER): webui/static/src/modeler.js $(NPM_STAMP)
	node_modules/.bin/esbuild $< --bundle --minify --format=iife --log-level=warning \
	  --loader:.woff=dataurl --loader:.woff2=dataurl --loader:.ttf=dataurl --loader:.eot=dataurl \
	  --loader:.svg=dataurl --outfile=$@

install: $(STAMP) $(NPM_STAMP) $(MO_FILES) $(MODELER)

# New UI strings into the area catalogues (webui/i18n.py says which files feed which); then translate them.
messages: install
	$(BIN)/kinerja translations update

## Run the system on an embedded SQLite database with demo data: gunicorn (gunicorn.conf.py) on
## 127.0.0.1:$PORT (5000) and the timer worker beside it; Ctrl-C stops both. The demo's full account
## list goes to demo-accounts.txt in the instance folder; gunicorn prints the URL and accounts to try.
INSTANCE_DIR = $(or $(KINERJA_INSTANCE_PATH),instance)
run: install
	$(BIN)/kinerja db upgrade
	@mkdir -p "$(INSTANCE_DIR)"
	$(BIN)/kinerja demo > "$(INSTANCE_DIR)/demo-accounts.txt"
	@echo "Demo organisation ready; the timer worker logs to $(INSTANCE_DIR)/worker.log"
	@# Without job control the background worker ignores Ctrl-C: the trap stops it with TERM instead.
	@$(BIN)/kinerja worker > "$(INSTANCE_DIR)/worker.log" 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  KINERJA_DEMO_ACCOUNTS="$(INSTANCE_DIR)/demo-accounts.txt" $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Install Debian's chromium for the browser tests (tests/browser), poppler-utils (the dossier PDF checks) and nginx-light (the nginx example's check) when missing: as root with apt-get,
## otherwise say what to run. Playwright never downloads a browser (KINERJA_CHROMIUM names another binary).
CHROMIUM ?= $(or $(KINERJA_CHROMIUM),/usr/bin/chromium)
browser:
	@if [ -x "$(CHROMIUM)" ]; then echo "chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests are skipped without it)"; fi
	@if command -v pdftoppm >/dev/null; then echo "poppler-utils: $$(command -v pdftoppm)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	else echo "poppler-utils is missing: run 'sudo apt-get install poppler-utils' (the dossier PDF's text checks are skipped without it)"; fi
	@# The example nginx configuration (deploy/nginx) is checked with `nginx -t` (tests/test_nginx_config.py).
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then echo "nginx: installed"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; \
	else echo "nginx is missing: run 'sudo apt-get install nginx-light' (the nginx example's check is skipped without it)"; fi
	@# WeasyPrint (the dossier, SKP and evaluation PDFs) draws text with Pango.
	@if ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then echo "pango: installed"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; \
	else echo "pango is missing: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' (PDF downloads need it)"; fi

## Run the whole test suite (SQLite unless KINERJA_TEST_DATABASE_URL is set), after the linters.
test: install lint browser
	$(BIN)/pytest -q -n 2

lint: install
	$(BIN)/ruff check engine workflows webui tests bench gunicorn.conf.py docs/screenshots
	$(BIN)/mypy engine

bench: install
	$(BIN)/python -m bench.city --employees 1000 --cycles 200

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
