# Kinerja: `make run` (system with demo data on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
NPM_STAMP = node_modules/.installed

.PHONY: install run test bench lint clean messages

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
	$(BIN)/pybabel compile -q -i $< -o $@

install: $(STAMP) $(NPM_STAMP) $(MO_FILES)

# New UI strings into the area catalogues (webui/i18n.py says which files feed which); then translate them.
messages: install
	$(BIN)/kinerja translations update

## Run the system on an embedded SQLite database with demo data.
run: install
	$(BIN)/kinerja db upgrade
	$(BIN)/kinerja demo
	$(BIN)/kinerja worker & trap 'kill %1' EXIT; $(BIN)/kinerja run --host 127.0.0.1 --port $${PORT:-5000}

## Run the whole test suite (SQLite unless KINERJA_TEST_DATABASE_URL is set), after the linters.
test: install lint
	$(BIN)/pytest -q -n 2

lint: install
	$(BIN)/ruff check engine workflows webui tests bench
	$(BIN)/mypy engine

bench: install
	$(BIN)/python -m bench.engine

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
