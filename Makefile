# Everything a person does with this project. Only Python 3.11 and make are assumed.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
DEALS ?= 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: http-audit run test lint schema schema-check migrate seed bench bench-subscriptions install format

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m db.cli serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

migrate: $(STAMP)
	$(BIN)/python -m db.cli migrate

seed: $(STAMP)
	$(BIN)/python -m db.cli migrate
	$(BIN)/python -m db.cli seed --deals $(DEALS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy db graph

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(STAMP)
	$(BIN)/python -m graph.export_schema > schema.graphql

schema-check: $(STAMP)
	@$(BIN)/python -m graph.export_schema | diff -u schema.graphql - \
		|| (echo "schema.graphql is stale: run 'make schema'" && exit 1)

# Load benchmarks on this machine (not tests): seeds its own cached databases
# (SQLite under data/bench/, PostgreSQL `bench_v<N>_<deals>` on 127.0.0.1) and
# prints one table. Needs wrk and a local PostgreSQL; see docs/performance.md.
BENCH_ARGS ?=
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 \
		|| (apt-get update >/dev/null && apt-get install -y wrk >/dev/null) \
		|| (echo "bench needs wrk (apt-get install -y wrk)" && exit 1)
	$(BIN)/python -m bench $(BENCH_ARGS)

http-audit:
	npm ci --prefix tools/http-audit --silent
	$(BIN)/python -m pytest tests/graph/http/test_http_audit.py

# Subscriptions benchmark (not a test): idle subscriptions one server holds, memory per
# subscription, commit-to-delivery p50/p99 fanned out to each size. Starts its own
# redis-server and server; PostgreSQL at BENCH_POSTGRES_URL (a scratch database is made).
SUBSCRIBERS ?= 1000 5000
ROUNDS ?= 5
BENCH_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
bench-subscriptions: $(STAMP)
	BENCH_POSTGRES_URL=$(BENCH_POSTGRES_URL) $(BIN)/python -m bench.subscriptions \
		--subscribers $(SUBSCRIBERS) --rounds $(ROUNDS)
