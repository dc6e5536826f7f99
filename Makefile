# Two commands matter: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_DIRS := tests/telegram_emulator tests/compose web
NODE_STAMPS := $(addsuffix /node_modules/.installed,$(NODE_DIRS))
# The staff console's styles and scripts: the NHS design system from npm, built into web/dist.
WEB_BUILT := web/dist/.built
# Debian's Chromium, for the staff console's browser tests (Playwright drives it).
CHROMIUM := /usr/bin/chromium

.PHONY: run test install lint content-lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(WEB_BUILT)

%/node_modules/.installed: %/package.json %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_BUILT): web/node_modules/.installed $(wildcard web/src/*)
	npm run --prefix web --silent build
	touch $@

# Installed when missing (root or sudo); if it cannot be, the browser tests say so and skip.
$(CHROMIUM):
	-if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver

run: install
	$(BIN)/movemates db upgrade
	@echo "Staff console: http://127.0.0.1:8000/staff/ (PUBLIC_BASE_URL when set). For the first coordinator, run:"
	@echo "  $(BIN)/movemates staff add you@example.org --name 'Your Name' --role coordinator"
	@echo "and open the set-up link it prints."
	$(BIN)/movemates serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

content-lint: install
	$(BIN)/movemates content lint

# Two workers (pytest-xdist): the suite is long, CI machines have two cores, and each
# worker keeps its own databases (conftest), so the tests cannot meet.
test: install $(NODE_STAMPS) $(CHROMIUM) lint content-lint
	$(BIN)/pytest -n 2 --dist worksteal

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) $(addsuffix /node_modules,$(NODE_DIRS)) web/dist .pytest_cache .ruff_cache
