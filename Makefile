# Stride: `make demo` runs the demo clinic, `make test` runs every test.
# Both install uv with pip if it is missing; uv then installs everything else.

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := STRIDE_ENV=demo

.PHONY: demo demo-code test lint format bench uv sync clean help

help:
	@echo "make demo   run the demo clinic on http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite (SQLite, PostgreSQL, browser)"
	@echo "make lint   ruff, mypy, import-linter and the migrations check"
	@echo "make bench  run the benchmarks in bench/"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
	  python3 -m pip install --quiet --user uv || \
	  python3 -m pip install --quiet --user --break-system-packages uv

sync: uv
	@$(UV) sync --quiet

demo: sync
	$(DEMO_ENV) $(UV) run stride migrate --verbosity 0
	$(DEMO_ENV) $(UV) run stride demo_load
	$(DEMO_ENV) $(UV) run stride demo_history
	$(DEMO_ENV) $(UV) run stride collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Stride demo clinic: http://$(HOST):$(PORT)/"
	@echo "  Back office:        http://$(HOST):$(PORT)/office/  (users: admin, reception, amara, tomasz;"
	@echo "                      password: stride-demo; code: run \`make demo-code\` in another terminal)"
	@echo "  Admin:              http://$(HOST):$(PORT)/admin/  (as admin, through the back office sign-in)"
	@echo "  Stop with Ctrl-C."
	@echo ""
	$(DEMO_ENV) $(UV) run granian --interface wsgi --host $(HOST) --port $(PORT) \
	  --workers 2 --blocking-threads 1 --no-ws --access-log stride.wsgi:application

demo-code: sync
	@$(DEMO_ENV) $(UV) run stride demo-code

test: sync
	UV="$(UV)" bash scripts/test

lint: sync
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	STRIDE_ENV=test $(UV) run mypy stride tests conftest.py
	$(UV) run lint-imports
	STRIDE_ENV=test $(UV) run stride makemigrations --check --dry-run

format: sync
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

bench: sync
	$(UV) run python bench/page_load.py

clean:
	rm -rf var/test staticfiles .pytest_cache .mypy_cache .ruff_cache
