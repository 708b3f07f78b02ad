#!/usr/bin/env bash
# `make airflow-check`: Airflow 3 in its own virtualenv (.venv-airflow, built once), every DAG
# imported and its task graph checked, then `airflow dags test` of the daily drift DAG on a tiny
# synthetic batch, twice: a drifted batch (the gate fires, `retrain` runs) and a clean one (the
# gate skips, `retrain` is skipped). Airflow state lives in .scratch/airflow_check (SQLite).
# The retrain task's command is replaced by a marker file here (MLOPS_RETRAIN_COMMAND): a real
# cycle needs the IMDb data and a champion, which the test suite covers on synthetic data.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
# Airflow's venv (.venv-airflow), built once per lock by the script test-cluster uses too.
pipelines/airflow/build_venv.sh
AF_VENV="$ROOT/.venv-airflow"

SCRATCH="$ROOT/.scratch/airflow_check"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/home" "$SCRATCH/incoming"
export AIRFLOW_HOME="$SCRATCH/home"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/pipelines/airflow"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export PYTHONWARNINGS=ignore

"$AF_VENV/bin/python" pipelines/airflow/check_dags.py
"$AF_VENV/bin/airflow" db migrate > "$SCRATCH/migrate.log" 2>&1 || { cat "$SCRATCH/migrate.log"; exit 1; }

# A reference with case and punctuation, and batches drawn like it (clean) or stripped (drift).
"$ROOT/.venv/bin/python" - "$SCRATCH" <<'PY'
import random, sys
from pathlib import Path
import pandas as pd
out = Path(sys.argv[1])
rng = random.Random(0)
words = ["Great", "film", "Awful", "plot", "I", "loved", "the", "acting", "Boring", "story"]
def review() -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) + rng.choice("!.?")
ref = pd.DataFrame({"text": [review() for _ in range(300)]})
ref.to_csv(out / "reference.csv", index=False)
batch = pd.DataFrame({"id": [f"c{i}" for i in range(60)], "text": [review() for _ in range(60)],
                      "label": [i % 2 for i in range(60)]})
batch.to_csv(out / "clean.csv", index=False)
batch.assign(text=batch["text"].str.lower().str.replace(r"[^\w\s]", "", regex=True)).to_csv(
    out / "drifted.csv", index=False)
PY

export MLOPS_PROJECT_PATH="$ROOT" MLOPS_KEDRO_ENV=test
export MLOPS_GATE_ARGS="--reference $SCRATCH/reference.csv --incoming $SCRATCH/incoming"
export MLOPS_RETRAIN_COMMAND="touch $SCRATCH/retrain_ran"
run_drift_dag() {
  rm -f "$SCRATCH/incoming/"* "$SCRATCH/retrain_ran"
  cp "$SCRATCH/$1.csv" "$SCRATCH/incoming/$1.csv"
  "$AF_VENV/bin/airflow" dags test mlops_drift_check_daily "2026-01-0$2" \
    > "$SCRATCH/dags_test_$1.log" 2>&1 || { tail -40 "$SCRATCH/dags_test_$1.log"; exit 1; }
}
run_drift_dag drifted 1
test -f "$SCRATCH/retrain_ran" || { echo "drifted batch: retrain did not run"; tail -40 "$SCRATCH/dags_test_drifted.log"; exit 1; }
echo "airflow dags test mlops_drift_check_daily, drifted batch: gate fired, retrain ran"
run_drift_dag clean 2
test ! -f "$SCRATCH/retrain_ran" || { echo "clean batch: retrain ran"; exit 1; }
grep -q "exit code 99. Skipping" "$SCRATCH/dags_test_clean.log" || { echo "clean batch: no task skipped"; exit 1; }
echo "airflow dags test mlops_drift_check_daily, clean batch: gate skipped, retrain skipped"
