#!/usr/bin/env bash
# Airflow's virtualenv, .venv-airflow: the one venv `make airflow-check` (check_dags.sh) and
# `make test-cluster` (.ci/cluster_airflow.sh) run Airflow from, built here only.
# Everything comes from requirements/airflow-lock.txt (hashed, `make lock`: the equivalent of
# Airflow's constraints file for the pinned release), installed by uv (the project venv's, from
# requirements/tools.txt) with --require-hashes --no-deps: nothing resolved at install time. The
# stamp names the locks' hash, so a changed lock rebuilds the venv and an unchanged one is kept.
#   PYTHON  the interpreter the venv is made from (default python3)
#   UV      the uv binary (default .venv/bin/uv: `make install` puts it there)
set -euo pipefail
cd "$(dirname "$0")/../.."
AF_VENV="$PWD/.venv-airflow"
UV="${UV:-$PWD/.venv/bin/uv}"
LOCK_HASH="$(cat requirements/tools.txt requirements/airflow-lock.txt | sha256sum | cut -c1-16)"
STAMP="$AF_VENV/.installed-$LOCK_HASH"
[ -f "$STAMP" ] && exit 0
[ -x "$UV" ] || { echo "build_venv.sh: no uv at $UV (UV): run 'make install' first"; exit 1; }
echo "building $AF_VENV from requirements/airflow-lock.txt (uv pip install --require-hashes)"
rm -rf "$AF_VENV"
"${PYTHON:-python3}" -m venv --without-pip "$AF_VENV"
"$UV" pip install -q --python "$AF_VENV/bin/python" --require-hashes --no-deps \
  -r requirements/airflow-lock.txt
"$UV" pip check -q --python "$AF_VENV/bin/python"
touch "$STAMP"
