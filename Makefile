# Two commands matter: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_DIRS := tests/telegram_emulator tests/compose
NODE_STAMPS := $(addsuffix /node_modules/.installed,$(NODE_DIRS))

.PHONY: run test install lint content-lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

%/node_modules/.installed: %/package.json %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(BIN)/movemates db upgrade
	$(BIN)/movemates serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

content-lint: install
	$(BIN)/movemates content lint

test: install $(NODE_STAMPS) lint content-lint
	$(BIN)/pytest

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) $(addsuffix /node_modules,$(NODE_DIRS)) .pytest_cache .ruff_cache
