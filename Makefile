# agentexchange — every target bootstraps what it needs (.venv, node_modules) itself.
# Two commands matter on a fresh machine: `make demo` and `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# make contract BASE_URL=http://host:port [API_KEY=... API_SECRET=...]
BASE_URL ?=
API_KEY ?=
API_SECRET ?=

.PHONY: install demo test generate check-generated lint lint-spec typecheck mock contract bench pytest

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The main job: start the mock exchange on a free port, run the quick start against it, stop it.
demo: install
	$(PY) examples/with_mock.py examples/quickstart.py

# Everything CI checks. Cheap static checks first, then the test suite.
test: install lint-spec lint pytest

pytest: install
	$(PY) -m pytest -q

generate: install
	@echo "make generate: not built yet (issue 3: generator)"; exit 1

check-generated: install
	@echo "make check-generated: not built yet (issue 3: generator)"; exit 1

lint: install
	$(BIN)/ruff check .

lint-spec: install
	$(BIN)/openapi-spec-validator openapi.yaml
	node_modules/.bin/redocly lint openapi.yaml --format=stylish

typecheck: install
	@echo "make typecheck: not built yet (issue 3: generated clients)"; exit 1

# make mock [MOCK_ARGS="--port 8000 --seed 42 --no-rate-limits"]
MOCK_ARGS ?=
mock: install
	$(BIN)/agentexchange mock $(MOCK_ARGS)

contract: install
	@echo "make contract: not built yet (issue 6: contract tests)"; exit 1

# Ratios against baselines run in the same process/run (raw httpx, bare Starlette, raw websockets).
bench: install
	@command -v wrk >/dev/null || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)) >/dev/null
	$(PY) bench/run.py
