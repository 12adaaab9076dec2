# Podium: `make run` sets everything up and starts the server; `make test` sets up and runs
# every check. Both work on a fresh machine: nothing here assumes a step done by hand.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
PYTEST := $(UV) run pytest
WEB := web

.PHONY: run test setup python-deps node-deps web system-deps migrate lint typecheck \
        test-unit test-integration test-e2e test-browser bench demo clean api-client \
        api-client-check web-deps openapi-json

run: setup migrate
	$(UV) run podium serve

# A built-in scripted model drives real Claude agents through seeded jobs (data in data/demo;
# the server migrates its own database on start).
demo: setup
	$(UV) run podium serve --demo

# Two pytest workers, a test file to each: most of a test's time is spent waiting on real
# agents, servers and browsers, so two files at once halve the run on two cores. A file stays
# on one worker, with its module-scoped server and browser.
test: setup lint typecheck api-client-check
	cd $(WEB) && npm test
	$(PYTEST) -q -n 2 --dist loadfile tests

setup: system-deps python-deps node-deps web

# uv itself comes from pip when the machine lacks it.
python-deps:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode

# The agent CLIs Podium drives, pinned in package.json / package-lock.json.
node-deps:
	npm ci --no-audit --no-fund --loglevel=error

# tmux runs interactive agents; git is needed for diffs and worktrees; the browser tests drive
# Debian's chromium (/usr/bin/chromium; Playwright's own browser download is never used); the
# query_db tests start a throwaway cluster of Debian's PostgreSQL (/usr/lib/postgresql/*/bin).
system-deps:
	@missing=""; for tool in tmux git; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		(apt-get update -qq && apt-get install -y -qq $$missing) >/dev/null; \
	fi

web-deps:
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error

web: web-deps
	cd $(WEB) && npm run build

migrate:
	$(UV) run python -c "from podium.config import Settings; from podium.db.engine import Database; Database(Settings().database_path).migrate()"

# The dashboard's typed API client (web/src/api/schema.d.ts), generated from the server's own
# OpenAPI document. Run it after changing a route or schema and commit the result; `make test`
# fails while the committed client and the server disagree.
OPENAPI_JSON := .openapi.json
API_CLIENT := $(WEB)/src/api/schema.d.ts

openapi-json: python-deps
	$(UV) run podium openapi > $(OPENAPI_JSON)

api-client: openapi-json web-deps
	cd $(WEB) && npm run gen:api

# The same generation (web/package.json's gen:api), into a scratch file compared with the client.
api-client-check: openapi-json web-deps
	cd $(WEB) && API_TYPES_OUT=../$(OPENAPI_JSON).d.ts npm run --silent gen:api >/dev/null
	@diff -u $(API_CLIENT) $(OPENAPI_JSON).d.ts || \
		{ echo "$(API_CLIENT) is out of date with the server's API: run 'make api-client' and commit it"; exit 1; }
	@rm -f $(OPENAPI_JSON).d.ts

lint:
	$(UV) run ruff check src tests benchmarks
	$(UV) run ruff format --check src tests benchmarks

typecheck:
	$(UV) run mypy

test-unit: python-deps
	$(PYTEST) -q tests/unit

test-integration: python-deps node-deps
	$(PYTEST) -q tests/integration

test-e2e: python-deps node-deps
	$(PYTEST) -q tests/e2e

test-browser: system-deps python-deps node-deps web
	$(PYTEST) -q tests/browser

bench: setup
	$(UV) run python -m benchmarks

clean:
	rm -rf .venv node_modules $(WEB)/node_modules $(WEB)/dist .pytest_cache .mypy_cache .ruff_cache
