# agentexchange — every target bootstraps what it needs itself: .venv for everything,
# node_modules only for the spec linters (`lint-spec`, part of `make test`), Debian's chromium
# only for the docs browser test (`make chromium`, part of `make test`).
# Two commands matter on a fresh machine: `make demo` (Python only) and `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PRISM_DIR  := tools/prism
PRISM_STAMP := $(PRISM_DIR)/node_modules/.installed

# make contract BASE_URL=http://host:port [API_KEY=... API_SECRET=...]
BASE_URL ?=
API_KEY ?=
API_SECRET ?=

.PHONY: install demo test generate check-generated lint lint-spec typecheck mock contract contract-proxy bench pytest soak docs chromium

install: $(PY_STAMP)

$(PY_STAMP): pyproject.toml setup.py
	@test -x $(PY) || { echo "==> creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> upgrading pip"
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "==> installing agentexchange (editable) with the mock, contract, docs and dev extras into $(VENV) (about a minute on a fresh machine)"
	@$(PY) -m pip install --quiet --progress-bar off -e '.[dev]'
	@echo "==> Python dependencies installed"
	@touch $@

# Node is needed only by the spec linters (Redocly CLI, @asyncapi/parser).
$(NODE_STAMP): package.json package-lock.json
	@echo "==> installing the spec linters into node_modules (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The main job: start the mock exchange on a free port, run the quick start against it, stop it.
demo: install
	$(PY) examples/with_mock.py examples/quickstart.py
	$(PY) examples/with_mock.py examples/backtest_sma.py

# Everything CI checks. Cheap static checks first, then the test suite.
test: install lint-spec lint check-generated typecheck pytest

pytest: install chromium
	AGENTEXCHANGE_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q

# The reference site, offline: MkDocs Material + mkdocstrings over the generated code, the
# README's guides and openapi.yaml / asyncapi.yaml rendered to Markdown by the generator
# (generator/site.py, at build time). Output: build/site (open build/site/index.html).
docs: install
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict
	@echo "==> the site is in build/site (serve it: $(PY) -m http.server -d build/site)"

# The docs browser test (tests/docs, part of `make test`) drives Debian's chromium package;
# installed here when missing (as root, else through sudo). Playwright downloads nothing.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
chromium:
	@test -x $(CHROMIUM) || { echo "==> installing Debian's chromium for the docs browser test"; \
		$(SUDO) apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q --no-install-recommends chromium >/dev/null; }; }

# Regenerate the clients, models and tables from openapi.yaml (and asyncapi.yaml).
generate: install
	$(PY) -m generator

# Fails when a generated file differs from what the generator writes, or is untracked.
GENERATED := agentexchange/client.py agentexchange/async_client.py agentexchange/models.py agentexchange/protocols.py agentexchange/params.py agentexchange/_errors.py agentexchange/_ws_protocol.py agentexchange/tools/_table.py tests/golden/expected
check-generated: install
	$(PY) -m generator --check
	@untracked="$$(git status --porcelain --untracked-files=all -- $(GENERATED))"; \
	if [ -n "$$untracked" ]; then echo "generated files not committed:"; echo "$$untracked"; exit 1; fi

# Independent check (optional, not in `make test`): the SDK end-to-end suite with Stoplight
# Prism proxying every mock it starts; fails on any response Prism finds off the document.
contract-proxy: install $(PRISM_STAMP)
	PYTHONPATH=tests AGENTEXCHANGE_PRISM=$(PRISM_DIR)/node_modules/.bin/prism \
		$(PY) -m pytest -q -p prism_proxy -p no:cacheprovider tests/integration/test_sdk_*.py

$(PRISM_STAMP): $(PRISM_DIR)/package.json $(PRISM_DIR)/package-lock.json
	cd $(PRISM_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check $$(git ls-files "*.py")

lint-spec: install $(NODE_STAMP)
	$(BIN)/openapi-spec-validator openapi.yaml
	node_modules/.bin/redocly lint openapi.yaml --format=stylish
	node scripts/validate_asyncapi.mjs asyncapi.yaml

typecheck: install
	$(BIN)/mypy --strict agentexchange

# make mock [MOCK_ARGS="--port 8000 --seed 42 --no-rate-limits"]
MOCK_ARGS ?=
mock: install
	$(BIN)/agentexchange mock $(MOCK_ARGS)

# make contract BASE_URL=http://host:port [API_KEY=... API_SECRET=...] [MAX_EXAMPLES=20] [SEED=42] [WORKERS=1] [RATE_LIMIT=100/m] [REPORT_DIR=reports/contract] [ALLOW_SKIPPED="object_level_authorization ..."]
MAX_EXAMPLES ?= 20
SEED ?= 42
WORKERS ?= 1
RATE_LIMIT ?=
REPORT_DIR ?= reports/contract
ALLOW_SKIPPED ?=
contract: install
	@test -n "$(BASE_URL)" || { echo "usage: make contract BASE_URL=http://host:port [API_KEY=... API_SECRET=...]"; exit 2; }
	@echo "agentexchange contract --base-url $(BASE_URL) (keys hidden)"
	@$(BIN)/agentexchange contract --base-url $(BASE_URL) \
		$(if $(API_KEY),--api-key '$(API_KEY)') $(if $(API_SECRET),--api-secret '$(API_SECRET)') \
		--max-examples $(MAX_EXAMPLES) --seed $(SEED) --workers $(WORKERS) \
		$(if $(RATE_LIMIT),--rate-limit $(RATE_LIMIT)) --report-dir $(REPORT_DIR) \
		$(foreach check,$(ALLOW_SKIPPED),--allow-skipped $(check))

# Ratios against baselines run in the same process/run (raw httpx, bare Starlette, raw websockets).
bench: install
	@command -v wrk >/dev/null || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)) >/dev/null
	$(PY) bench/run.py

# Long robustness runs with printed figures (tests/soak/harness.py; not in `make test`, which
# runs a short version of each case from tests/soak/test_soak.py). Rate limits are off.
# make soak [SOAK_ARGS="--case ws --restarts 5 --interval 3"]
SOAK_ARGS ?=
soak: install
	$(PY) tests/soak/harness.py $(SOAK_ARGS)
