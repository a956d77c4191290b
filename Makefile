# stafettlogg task runner. The README names two recipes: `make run` and `make test`.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup system browser i18n lint typecheck docs bench clean

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

setup: $(STAMP) system

## system: what Debian must provide: Pango for WeasyPrint (the archive's PDF/A), DejaVu fonts,
## poppler-utils (uploaded PDFs drawn as pages for the archive; pdftotext in the tests)
system:
	@{ $(PYTHON) -c "import ctypes.util as u, sys; sys.exit(not u.find_library('pangoft2-1.0'))" && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && command -v pdftoppm >/dev/null; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils >/dev/null; }

## run: set up, build the family pages, create the instance (key, demo data), start the gateway
run: setup docs
	$(BIN)/stafettlogg init --demo
	$(BIN)/stafettlogg demo
	$(BIN)/stafettlogg migrate
	$(BIN)/stafettlogg fsck
	$(BIN)/stafettlogg serve

## browser: Debian's Chromium for the browser tests (Playwright never downloads its own)
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

## test: set up and run every check and test
test: setup browser lint typecheck
	$(BIN)/stafettlogg schemas --check
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m pytest

## i18n: refresh the catalogues from the code (then translate the new nb/nn entries)
i18n: setup
	mkdir -p build && $(BIN)/pybabel extract -F babel.cfg -k _l --no-location -o build/messages.pot .
	$(BIN)/pybabel update -i build/messages.pot -d app/translations -D messages --omit-header --no-fuzzy-matching

lint: setup
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

typecheck: setup
	$(BIN)/mypy app

docs: setup
	$(BIN)/mkdocs build --strict --quiet

bench: setup
	$(BIN)/python bench/store.py
	$(BIN)/python bench/export.py
	@command -v wrk >/dev/null && $(BIN)/python bench/gateway.py || echo "install wrk for bench/gateway.py"

clean:
	rm -rf $(VENV) build
