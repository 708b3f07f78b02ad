#!/usr/bin/env bash
# Scheduled run: fetch cached data, rerun what changed, publish outputs. Logs to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
export KEDRO_DISABLE_TELEMETRY=1 PATH="$PWD/.venv/bin:$PATH"
dvc pull --allow-missing || true   # a first run on a new machine has nothing to pull
dvc repro
dvc push
dvc metrics show
