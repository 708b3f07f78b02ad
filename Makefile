# Every target is self-sufficient on a fresh clone: it creates .venv and installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLOTS_TEMPLATE := .dvc/tmp/offline_plots.html
# Kedro's telemetry plugin tries the network and edits pyproject.toml offline.
export KEDRO_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export PATH := $(abspath $(BIN)):$(PATH)
IMDB_ARCHIVE := data/01_raw/aclImdb_v1.tar.gz

.PHONY: install lock run data plots bench check-repro viz-screenshot test test-cluster lint format clean help

help:
	@echo "make run   - install, fetch the IMDb archive (IMDB_SOURCE=...), dvc repro"
	@echo "make test  - install, ruff, pytest"
	@echo "make test-cluster - PostgreSQL, mlflow server, Redis, Airflow on Celery on loopback; the tests marked cluster (docs/team.md)"
	@echo "make worker-venv - .venv-worker: the project installed as a package, for Airflow/Dask workers (docs/team.md)"
	@echo "make lock  - refresh requirements/*.txt (uv pip compile, hashes); make install uses them"
	@echo "make data  - IMDb archive and co2 series into data/01_raw/, 'dvc add' both"
	@echo "make plots - dvc plots show -o dvc_plots (vega inlined: works offline)"
	@echo "make serve - the champion online on http://127.0.0.1:8000 (SERVE_ARGS=\"--port 8080\"; docs/serving.md)"
	@echo "make bench - every benchmarks/*.py on the real data -> benchmarks/results/<date>.md"
	@echo "make check-repro - fresh clone + make run in a temp folder; prints git status and dvc metrics diff (empty: reproduced)"
	@echo "make viz-screenshot - docs/viz.png: kedro viz in headless chromium"

# The environment is locked (requirements/, README "Dependencies"): pip and uv from tools.txt,
# everything the pipelines import from lock.txt, the dev tools from dev-lock.txt, all with
# hashes and --no-deps (nothing resolved at install time), installed by uv (the same files and
# hash checks as pip, about 4x faster: 41 s instead of 160 s for the two locks on a loaded
# 2-core machine). torch stays outside the hashed lock: its exact pin from pyproject.toml,
# installed by pip, takes the local CPU wheel here and the CUDA build on a GPU machine (uv does
# not read pip's configuration and would fetch CUDA).
REQ := requirements
TORCH_PIN := $(shell sed -n 's/^ *"\(torch==[^"]*\)".*/\1/p' pyproject.toml)
TORCH_VERSION := $(patsubst torch==%,%,$(TORCH_PIN))
TOOLS_STAMP := $(VENV)/.tools

$(TOOLS_STAMP): $(REQ)/tools.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r $(REQ)/tools.txt
	touch $@

$(STAMP): pyproject.toml $(REQ)/lock.txt $(REQ)/dev-lock.txt $(TOOLS_STAMP)
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes --no-deps \
		-r $(REQ)/lock.txt -r $(REQ)/dev-lock.txt
	# torch's own dependencies are in the lock already: this adds torch alone (plus, on a GPU
	# machine, the CUDA libraries its pin names).
	$(BIN)/python -m pip install -q "$(TORCH_PIN)"
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP) $(PLOTS_TEMPLATE)

# The project's venv for an Airflow (or Dask) worker, docs/team.md "What a worker needs": the
# locked runtime without the dev tools, and the project installed as a package (not editable:
# tasks import it from the venv, whatever checkout or clone they run in). Build it from the
# revision the workers run (MLOPS_GIT_REV); WORKER_VENV=/srv/mlops/venv builds it elsewhere.
WORKER_VENV ?= .venv-worker
.PHONY: worker-venv
worker-venv: $(TOOLS_STAMP)
	rm -rf $(WORKER_VENV)
	$(PYTHON) -m venv $(WORKER_VENV)
	$(WORKER_VENV)/bin/python -m pip install -q --require-hashes --no-deps -r $(REQ)/tools.txt
	$(BIN)/uv pip install -q --python $(WORKER_VENV)/bin/python --require-hashes --no-deps \
		-r $(REQ)/lock.txt
	$(WORKER_VENV)/bin/python -m pip install -q "$(TORCH_PIN)"
	$(WORKER_VENV)/bin/python -m pip install -q --no-deps --no-build-isolation .
	$(WORKER_VENV)/bin/python -m pip check
	git rev-parse HEAD > $(WORKER_VENV)/REVISION

# Refresh the lock files from pyproject.toml and requirements/*.in. Pins already in a lock file
# are kept unless asked: `make lock LOCK_ARGS=--upgrade` (everything) or
# LOCK_ARGS="--upgrade-package transformers". Every lock is for CPython 3.11 on Linux x86_64,
# the machines this project runs on.
LOCK_PYTHON := 3.11
UV_COMPILE = $(BIN)/uv pip compile --quiet --config-file $(REQ)/uv.toml \
	--python-version $(LOCK_PYTHON) --python-platform x86_64-unknown-linux-gnu \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: $(TOOLS_STAMP)
	@grep -q '^version = "$(TORCH_VERSION)"' $(REQ)/uv.toml || { echo "$(REQ)/uv.toml describes another torch than $(TORCH_PIN) (pyproject.toml): update it first"; exit 1; }
	$(UV_COMPILE) --no-emit-package torch pyproject.toml -o $(REQ)/lock.txt
	echo "# $(TORCH_PIN): outside the hashes, installed by its exact pin (make install)" >> $(REQ)/lock.txt
	$(UV_COMPILE) --no-emit-package torch pyproject.toml --extra dev -c $(REQ)/lock.txt -o $(REQ)/dev-lock.txt
	$(UV_COMPILE) $(REQ)/tools.in -o $(REQ)/tools.txt
	$(UV_COMPILE) $(REQ)/airflow.in -o $(REQ)/airflow-lock.txt

# Idempotent: an archive/CSV already in place is kept, and `dvc add` of an unchanged file is a no-op.
# The co2 CSV's path comes from conf/base/globals.yml (the fetcher prints it).
data: $(STAMP)
	$(BIN)/python -m mlops_pipeline.fetch_data --dest $(IMDB_ARCHIVE)
	$(BIN)/dvc add -q $(IMDB_ARCHIVE)
	csv="$$($(BIN)/python -m mlops_pipeline.fetch_data --co2)" && $(BIN)/dvc add -q "$$csv"

run: data $(PLOTS_TEMPLATE)
	$(BIN)/dvc repro

# DVC's default plots page loads vega from a CDN and renders blank offline. The install builds
# .dvc/tmp/offline_plots.html with vega inlined (from the vl-convert-python wheel, no network);
# .dvc/config's plots.html_template points at it, so a plain `dvc plots show` works offline.
$(PLOTS_TEMPLATE): $(STAMP)
	$(BIN)/python -m mlops_pipeline.offline_plots $@

plots: $(PLOTS_TEMPLATE)
	$(BIN)/dvc plots show -o dvc_plots

# The online service (docs/serving.md): the registry's @champion (select_champion's model when
# there is no registry) with /predict, /metrics, /docs; SERVE_ARGS="--port 8080 --host 0.0.0.0".
.PHONY: serve
serve: $(STAMP)
	$(BIN)/python -m mlops_pipeline.serve $(SERVE_ARGS)

# Every benchmarks/*.py on the real data (long: BENCH_ARGS="--only preprocess,timeseries" picks
# some, "--report-only" only rebuilds the markdown from the outputs already there).
# A fresh clone in a temporary folder, `make run` there (~30 min), then `git status --porcelain`
# and `dvc metrics diff` against the committed files: prints nothing when the run reproduced them.
check-repro:
	.ci/check_repro.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# docs/viz.png: `kedro viz run` on a free port, captured by headless Debian chromium: the default
# pipeline, each stage one collapsed namespace box (docs/viz_train_lstm.png: one stage expanded).
viz-screenshot: $(STAMP)
	$(BIN)/python -m mlops_pipeline.viz docs/viz.png --pipeline __default__
	$(BIN)/python -m mlops_pipeline.viz docs/viz_train_lstm.png --pipeline train_lstm

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Airflow 3 DAGs (pipelines/airflow/): Airflow in its own venv (.venv-airflow, built once),
# every DAG imported, task graphs checked, `airflow dags test` of the drift DAG (about a minute).
airflow-check: $(STAMP)
	pipelines/airflow/check_dags.sh

# pytest exits 5 when it collects nothing: that is a failure here, as every other non-zero code.
test: lint airflow-check
	$(BIN)/python -m pytest

# The team setup on real servers (docs/team.md), not part of `make test`: PostgreSQL from
# Debian's package (installed when missing), `mlflow server` on it with proxied artifacts, the
# tests marked `cluster` against them; stops everything it started.
test-cluster: $(STAMP)
	BIN=$(BIN) .ci/test_cluster.sh

clean:
	rm -rf $(VENV) .venv-airflow $(WORKER_VENV) .pytest_cache .ruff_cache
