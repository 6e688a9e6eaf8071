# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of these.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1
# A pinned uv of our own, so no machine depends on what someone installed by hand.
UV := .tools/bin/uv
PY := .venv/bin/python
SANDBOX_PORT ?= 3000
# The stage to synthesize and deploy; its settings are cdk.json's ahaki:stages.<STAGE> (README, "Deploying").
STAGE ?= dev

.PHONY: setup run test lint unit integration infra e2e bench synth layers openapi deploy clean redrive staff-user

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: .venv/.synced

layers: .venv/.synced | $(UV)
	UV=$(abspath $(UV)) $(PY) infra/build_layer.py

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy layers/ahaki/python functions infra tests $(wildcard benchmarks)
	PYTHONPATH=layers/ahaki/python .venv/bin/lint-imports

unit: setup
	.venv/bin/pytest tests/unit

integration: setup
	.venv/bin/pytest tests/integration

infra: setup layers node_modules/.installed
	.venv/bin/pytest tests/infra

e2e: setup
	.venv/bin/pytest tests/e2e

test: setup layers node_modules/.installed lint
	.venv/bin/pytest -n 2 --dist loadgroup tests

run: setup
	$(PY) -m infra.sandbox --port $(SANDBOX_PORT)

bench: setup
	$(PY) -m benchmarks

# DLQ messages back to their queues; safe to run twice. Pass ARGS="--dlq-url … --queue-url …".
redrive: setup
	$(PY) -m infra.redrive $(ARGS)

# Deeper than `make test`: schemathesis and the echo probe over every HTTP operation (figures printed).
# `fuzz` has no recipe of its own, so other fuzz targets can join it as prerequisites.
.PHONY: fuzz fuzz-http
FUZZ_EXAMPLES ?= 100
fuzz: fuzz-http
fuzz-http: setup
	$(PY) -m benchmarks.http_fuzz --examples $(FUZZ_EXAMPLES)

# A staff account with role and tenant in the deployed pool. ARGS="--user-pool-id … --username … --email … --role … --tenant …"
staff-user: setup
	$(PY) -m infra.staff_user $(ARGS)

openapi: setup
	$(PY) -m infra.openapi --write docs/openapi.json

synth: setup layers node_modules/.installed
	npx cdk synth --quiet -c stage=$(STAGE)
	$(PY) -m infra.stack_sizes cdk.out AhakiRegister-$(STAGE)

deploy: synth
	npx cdk deploy --all --require-approval broadening -c stage=$(STAGE)

clean:
	rm -rf .venv .tools node_modules cdk.out layers/dependencies/python .sandbox

# Hostile J-LIS result files, deeper than `make test` (HOSTILE_REPEAT times its examples), then
# their figures. A prerequisite of `fuzz`, which other fuzz targets join the same way.
.PHONY: fuzz fuzz-files
HOSTILE_REPEAT ?= 40
fuzz: fuzz-files
fuzz-files: setup
	HOSTILE_REPEAT=$(HOSTILE_REPEAT) .venv/bin/pytest -n 0 tests/unit/residents/test_hostile_result_properties.py \
		tests/unit/residents/test_result_lines.py tests/unit/residents/test_result_values.py \
		tests/integration/residents/test_hostile_result_properties.py
	HOSTILE_BENCH_EXAMPLES=20000 HOSTILE_BENCH_WORKER_EXAMPLES=500 HOSTILE_BENCH_MB=1,10,50 $(PY) -m benchmarks.hostile_files
