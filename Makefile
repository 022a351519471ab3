# Kinerja: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
# uv from PATH, else as a module of the machine's Python (a fresh pip install needs no PATH change).
UV ?= $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PY := .venv/bin/python

.PHONY: install check run demo siasn-report test test-unit test-contract test-integration test-e2e test-security bench bench-proposals bench-province bench-portal screenshots documents schemas asyncapi capacity token clean

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock shared/*/pyproject.toml services/*/pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	# Compiled now, as the images are (UV_COMPILE_BYTECODE): with PYTHONDONTWRITEBYTECODE set, every
	# service start would otherwise compile its dependencies again (~1.7 s of CPU each time).
	$(UV) sync --all-packages --frozen --python 3.11 --compile-bytecode
	@touch $@

run: install ## start the broker and the four services (Ctrl-C stops everything)
	$(PY) -m kinerja_devtools.devstack

demo: install ## drive one agency's year through the running services
	$(PY) -m kinerja_devtools.demo

siasn-report: install ## the SIASN connector's reconciliation report (make siasn-report ARGS="--records --status failed")
	$(PY) -m siasn_connector report $(ARGS)

test: install check ## every test: the code's shape (check), then unit, contract, integration, e2e
	$(PY) -m pytest tests -q -rs

check: install ## the code's shape: formatting and lint (ruff), layer contracts (import-linter), types of domain and service layers (mypy)
	.venv/bin/ruff format --check --quiet .
	.venv/bin/ruff check --quiet .
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy

test-unit: install
	$(PY) -m pytest tests/unit -q

test-contract: install
	$(PY) -m pytest tests/contract -q

test-integration: install
	$(PY) -m pytest tests/integration -q -rs

test-e2e: install
	$(PY) -m pytest tests/e2e -q -rs

test-security: install ## the authorisation matrix and the OpenAPI fuzz (PostgreSQL, embedded broker; about 2 minutes)
	$(PY) -m pytest tests/integration/test_security_matrix.py tests/integration/test_security_fuzz.py -q -rs

bench: install
	$(PY) -m kinerja_devtools.bench

bench-proposals: install ## proposals/s after one agency's close: make bench-proposals N=20000 [POSTGRES=postgresql+asyncpg://postgres@127.0.0.1/postgres]
	$(PY) -m kinerja_devtools.bench_proposals --employees $(or $(N),20000) $(if $(POSTGRES),--postgres $(POSTGRES))

bench-province: install ## a province's year over HTTP on PostgreSQL, then a replay: make bench-province N=1000 AGENCIES=4
	$(PY) -m kinerja_devtools.province_bench --n $(or $(N),1000) --agencies $(or $(AGENCIES),4)

bench-portal: install ## the web portal's server time per page (p50/p95) in the demo agency: make bench-portal ROUNDS=30
	$(PY) -m kinerja_devtools.portal_bench --rounds $(or $(ROUNDS),30)

screenshots: install ## the portal's browser tests, copying the README's screenshots to docs/screenshots/
	mkdir -p docs/screenshots
	KINERJA_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/e2e/portal -q -rs

documents: install ## the README's pictures of the official documents: a seeded agency's SKP form and evaluation (PDF), first page as PNG
	KINERJA_DOCUMENTS_DIR=.data/documents $(PY) -m pytest tests/integration/test_documents_pdf.py -q -rs
	$(PY) -m kinerja_devtools.documents --png docs/screenshots .data/documents/skp-form.pdf .data/documents/evaluation.pdf

schemas: install ## regenerate the committed JSON Schemas after a compatible change
	$(PY) -m kinerja_contracts.schemas

asyncapi: install ## regenerate each service's AsyncAPI document and HTML page (shared/contracts/asyncapi) after its events or subscriptions change
	$(PY) -m kinerja_devtools.asyncapi

capacity: install ## redo deploy/CAPACITY.md's tables after changing its input tables (figures, assumptions)
	$(PY) -m kinerja_devtools.capacity

token: install ## make token NIP=... AGENCY=... ROLES=hr
	@.venv/bin/kinerja-dev-token --nip $(NIP) --agency $(AGENCY) --roles $(or $(ROLES),employee)

clean:
	rm -rf .data .venv
