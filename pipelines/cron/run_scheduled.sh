#!/usr/bin/env bash
# Scheduled run for cron (pipelines/README.md): `run_scheduled.sh daily|weekly`.
#   daily : dvc pull, dvc repro (only changed stages), dvc push, then the drift gate; the
#           `retrain` cycle runs only when the gate fires (exit 0; 99 = nothing to do).
#   weekly: the same, then `retrain` with retrain.trigger.scheduled=true.
# One scheduled run at a time (flock on .locks/scheduled.lock; a second exits with 75). No
# remote failure is hidden: without a DVC remote the pull/push steps are skipped with a
# message; with one, a failing pull or push fails the run.
set -euo pipefail
mode="${1:-daily}"
case "$mode" in daily|weekly) ;; *) echo "usage: $0 daily|weekly" >&2; exit 2 ;; esac
cd "$(dirname "$0")/../.."
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 PATH="$PWD/.venv/bin:$PATH"
mkdir -p logs .locks
exec 9> .locks/scheduled.lock
if ! flock -n 9; then
  echo "$(date -u +%FT%TZ) another scheduled run holds .locks/scheduled.lock; exiting" >&2
  exit 75
fi
echo "$(date -u +%FT%TZ) scheduled run ($mode) starts"
if [ -n "$(dvc remote list)" ]; then
  dvc pull --allow-missing   # a first run on a new machine may have nothing to pull yet
else
  echo "no DVC remote configured: skipping dvc pull/push (dvc remote add -d NAME URL)"
fi
dvc repro
if [ -n "$(dvc remote list)" ]; then
  dvc push
fi
dvc metrics show
if [ "$mode" = weekly ]; then
  kedro run --pipelines retrain --env base --params retrain.trigger.scheduled=true
else
  set +e
  python -m mlops_pipeline.registry --env base gate
  gate=$?
  set -e
  if [ "$gate" -eq 0 ]; then
    kedro run --pipelines retrain --env base
  elif [ "$gate" -ne 99 ]; then
    echo "drift gate failed (exit $gate)" >&2
    exit "$gate"
  fi
fi
if [ -f data/08_reporting/retrain/decisions.jsonl ]; then
  tail -n 1 data/08_reporting/retrain/decisions.jsonl
fi
echo "$(date -u +%FT%TZ) scheduled run ($mode) done"
