#!/usr/bin/env bash
# Part of `make test-cluster` (.ci/test_cluster.sh, docs/team.md "Airflow"): Airflow 3 on the
# CeleryExecutor, on loopback, and one run of the daily drift DAG through it.
#
# Needs a running PostgreSQL (the caller's): CLUSTER_PG_PORT, CLUSTER_PG_BIN (its bin folder),
# CLUSTER_WORK (the caller's temp folder; this script uses $CLUSTER_WORK/airflow). Starts Redis
# (Debian's redis-server, installed when missing) as the Celery broker, creates database
# `airflow` (metadata + Celery result backend), then the scheduler, dag-processor, api-server
# and two Celery workers (worker-a, worker-b: each its own MLOPS_HOST_ID and Celery hostname).
# Triggers one run of mlops_drift_check_daily on a drifted synthetic batch (the gate fires,
# retrain runs: its command is a marker file here, as in `make airflow-check`) and one of
# mlops_dvc_stages on a two-stage DVC project (each task in its own clone, the data through a
# folder DVC remote), waits for both (CLUSTER_AIRFLOW_TIMEOUT seconds, default 300) and checks
# from the metadata database that every task instance succeeded, went through Celery (a Celery
# task id) and ran on one of the two workers (its hostname); and that each stage ran once and
# its output reached the remote. Stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
: "${CLUSTER_PG_PORT:?} ${CLUSTER_PG_BIN:?} ${CLUSTER_WORK:?}"
TIMEOUT=${CLUSTER_AIRFLOW_TIMEOUT:-300}
DAG=mlops_drift_check_daily
AF="$CLUSTER_WORK/airflow"
mkdir -p "$AF/home" "$AF/redis" "$AF/pythonpath" "$AF/incoming" "$AF/logs"

# The Airflow venv: the one `make airflow-check` uses, built (once per lock) by the same script.
pipelines/airflow/build_venv.sh
AF_VENV="$ROOT/.venv-airflow"
AIRFLOW="$AF_VENV/bin/airflow"

if ! command -v redis-server >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        echo "test-cluster: Redis is not installed; run as root or: apt-get install -y redis-server"
        exit 1
    fi
    echo "test-cluster: installing Redis (apt-get install -y redis-server)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
fi

free_port() { "$AF_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
psql_af() { "$CLUSTER_PG_BIN/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U mlops -d airflow -XAtq "$@"; }
REDIS_PORT=$(free_port)
API_PORT=$(free_port)

PIDS=()
NAMES=()
stop_airflow() {
    set +e
    local i
    for i in "${!PIDS[@]}"; do
        echo "test-cluster: stopping ${NAMES[$i]} (pid ${PIDS[$i]})"
        kill -TERM -- "-${PIDS[$i]}" 2>/dev/null
    done
    for i in "${!PIDS[@]}"; do
        for _ in $(seq 20); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-${PIDS[$i]}" 2>/dev/null
        wait "${PIDS[$i]}" 2>/dev/null
    done
    if [ -f "$AF/redis/redis.pid" ]; then
        echo "test-cluster: stopping redis-server (127.0.0.1:$REDIS_PORT)"
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 ||
            kill "$(cat "$AF/redis/redis.pid")" 2>/dev/null
    fi
}
trap stop_airflow EXIT

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --daemonize yes \
    --dir "$AF/redis" --pidfile "$AF/redis/redis.pid" --logfile "$AF/redis/redis.log" \
    --save "" --appendonly no
for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
echo "test-cluster: redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$REDIS_PORT (Celery broker; $AF/redis)"

"$CLUSTER_PG_BIN/createdb" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U mlops airflow
PG_AF="mlops@127.0.0.1:$CLUSTER_PG_PORT/airflow"

# The task hostname Airflow records is `[core] hostname_callable`'s answer on the worker; every
# process here runs on one machine, so it answers MLOPS_HOST_ID (the worker's name) instead.
cat >"$AF/pythonpath/mlops_ci_host.py" <<'PY'
import os
import socket


def host_id() -> str:
    return os.environ.get("MLOPS_HOST_ID") or socket.getfqdn()
PY

export AIRFLOW_HOME="$AF/home"
export PYTHONPATH="$AF/pythonpath"
export PYTHONWARNINGS=ignore
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/pipelines/airflow"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__HOSTNAME_CALLABLE=mlops_ci_host.host_id
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://$PG_AF"
export AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql+psycopg2://$PG_AF"
export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$API_PORT"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$API_PORT"
AIRFLOW__API_AUTH__JWT_SECRET=$("$AF_VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')
export AIRFLOW__API_AUTH__JWT_SECRET
export AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC=2
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=10
# What the DAG files read when they are parsed (dag-processor, and the worker before each task).
export MLOPS_PROJECT_PATH="$ROOT" MLOPS_KEDRO_ENV=test
export MLOPS_GATE_ARGS="--reference $AF/reference.csv --incoming $AF/incoming"
export MLOPS_RETRAIN_COMMAND="echo \"retrain on \$MLOPS_HOST_ID\" >> $AF/retrain_ran"

# mlops_dvc_stages on a two-stage DVC project (a git repository in $AF/stages_project, its raw
# data pushed to the folder remote $AF/dvc-remote): each task clones it (MLOPS_GIT_URL) on its
# worker, `dvc repro --pull`s its stage with the remote as cache and pushes the result.
SP="$AF/stages_project"
export MLOPS_GIT_URL="$SP" MLOPS_DVC_REMOTE="$AF/dvc-remote" MLOPS_DVC_YAML="$SP/dvc.yaml"
export MLOPS_WORKSPACE_ROOT="$AF/workspaces"
mkdir -p "$SP"
(
    cd "$SP"
    dvc=("$ROOT/.venv/bin/python" -m dvc)
    git init -q && "${dvc[@]}" init -q
    echo hello >raw.txt && "${dvc[@]}" add -q raw.txt
    cat >dvc.yaml <<YAML
stages:
  first:
    cmd: tr a-z A-Z < raw.txt > out1.txt && echo "first \$MLOPS_HOST_ID" >> $AF/stage_runs
    deps: [raw.txt]
    outs: [out1.txt]
  second:
    cmd: cat out1.txt out1.txt > out2.txt && echo "second \$MLOPS_HOST_ID" >> $AF/stage_runs
    deps: [out1.txt]
    outs: [out2.txt]
YAML
    git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm stages
    "${dvc[@]}" remote add --local ci "$MLOPS_DVC_REMOTE" && "${dvc[@]}" push -q -r ci raw.txt
    rm -rf .dvc/config.local .dvc/cache raw.txt
)

# A reference with case and punctuation and a batch stripped of both: the gate fires.
"$ROOT/.venv/bin/python" - "$AF" <<'PY'
import random
import sys
from pathlib import Path

import pandas as pd

out = Path(sys.argv[1])
rng = random.Random(0)
words = ["Great", "film", "Awful", "plot", "I", "loved", "the", "acting", "Boring", "story"]
def review() -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) + rng.choice("!.?")
pd.DataFrame({"text": [review() for _ in range(300)]}).to_csv(out / "reference.csv", index=False)
batch = pd.DataFrame({"id": [f"c{i}" for i in range(60)], "text": [review() for _ in range(60)],
                      "label": [i % 2 for i in range(60)]})
batch["text"] = batch["text"].str.lower().str.replace(r"[^\w\s]", "", regex=True)
batch.to_csv(out / "incoming" / "drifted.csv", index=False)
PY

"$AIRFLOW" db migrate >"$AF/logs/migrate.log" 2>&1 || { tail -40 "$AF/logs/migrate.log"; exit 1; }

start() { # start NAME HOST_ID COMMAND...: its own process group, log in $AF/logs/NAME.log
    local name=$1 host=$2
    shift 2
    MLOPS_HOST_ID=$host setsid "$@" >"$AF/logs/$name.log" 2>&1 &
    PIDS+=($!)
    NAMES+=("$name")
}
start scheduler airflow-host "$AIRFLOW" scheduler
start dag-processor airflow-host "$AIRFLOW" dag-processor
start api-server airflow-host "$AIRFLOW" api-server --host 127.0.0.1 --port "$API_PORT" --workers 1
# --skip-serve-logs: a worker's log server listens on every interface (port 8793); here the logs
# are on this machine's disk already, and nothing started here listens beyond loopback.
for w in worker-a worker-b; do
    start "$w" "$w" "$AIRFLOW" celery worker --celery-hostname "$w@%h" --concurrency 1 \
        --skip-serve-logs --without-mingle --without-gossip
done
alive() {
    local i
    for i in "${!PIDS[@]}"; do
        kill -0 "${PIDS[$i]}" 2>/dev/null || { echo "test-cluster: ${NAMES[$i]} exited"; tail -30 "$AF/logs/${NAMES[$i]}.log"; return 1; }
    done
}
echo "test-cluster: Airflow $("$AIRFLOW" version 2>/dev/null | tail -n 1) (CeleryExecutor; metadata + result backend: PostgreSQL db airflow)"
echo "test-cluster:   scheduler (pid ${PIDS[0]}), dag-processor (pid ${PIDS[1]}), api-server http://127.0.0.1:$API_PORT (pid ${PIDS[2]})"
echo "test-cluster:   celery workers worker-a (pid ${PIDS[3]}), worker-b (pid ${PIDS[4]}); logs $AF/logs"

deadline=$((SECONDS + TIMEOUT))
# Both workers connected to the broker before the run (Celery logs "<hostname> ready.").
for w in worker-a worker-b; do
    until grep -q "$w@.* ready\." "$AF/logs/$w.log"; do
        alive
        [ "$SECONDS" -lt "$deadline" ] || { echo "test-cluster: $w not ready in ${TIMEOUT}s"; tail -30 "$AF/logs/$w.log"; exit 1; }
        sleep 2
    done
done
echo "test-cluster:   both Celery workers ready (broker redis://127.0.0.1:$REDIS_PORT/0)"
# Every socket the processes started here listen on is on loopback.
pids=$( (cat "$AF/redis/redis.pid" && for p in "${PIDS[@]}"; do pgrep -g "$p"; done) | paste -sd'|')
beyond=$(ss -Hltnp | grep -E "pid=($pids)," | awk '$4 !~ /^127\.0\.0\.1:/' || true)
[ -z "$beyond" ] || { echo "test-cluster: listening beyond loopback:"; echo "$beyond"; exit 1; }

# The dag-processor serializes the DAGs; the scheduler's next run of the drift DAG is
# DagModel.next_dagrun. Its manual run takes that logical date, so unpausing creates no second
# (scheduled) run; mlops_dvc_stages has no schedule. Both runs go at once (two workers).
dag_field() { psql_af -c "select $2 from dag where dag_id = '$1'" 2>/dev/null || true; }
next=""
while [ -z "$next" ] || [ -z "$(dag_field mlops_dvc_stages dag_id)" ]; do
    alive
    [ "$SECONDS" -lt "$deadline" ] || { echo "test-cluster: DAGs not parsed in ${TIMEOUT}s"; tail -30 "$AF/logs/dag-processor.log"; exit 1; }
    sleep 3
    next=$(dag_field "$DAG" "to_char(next_dagrun at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')")
done
stamp=$(date -u +%Y%m%dT%H%M%S)
RUN_ID="cluster_celery_$stamp"
STAGES_RUN_ID="cluster_stages_$stamp"
trigger() { # trigger DAG ARGS...: a manual run, then unpause the DAG
    "$AIRFLOW" dags trigger "$@" >>"$AF/logs/trigger.log" 2>&1 &&
        "$AIRFLOW" dags unpause "$1" >>"$AF/logs/trigger.log" 2>&1 || { cat "$AF/logs/trigger.log"; exit 1; }
}
trigger "$DAG" --run-id "$RUN_ID" --logical-date "$next"
trigger mlops_dvc_stages --run-id "$STAGES_RUN_ID"
echo "test-cluster: triggered $DAG run $RUN_ID (logical date $next) and mlops_dvc_stages run $STAGES_RUN_ID; waiting up to ${TIMEOUT}s"

run_state() { psql_af -c "select state from dag_run where dag_id = '$1' and run_id = '$2'"; }
while :; do
    state=$(run_state "$DAG" "$RUN_ID")
    stages_state=$(run_state mlops_dvc_stages "$STAGES_RUN_ID")
    case "$state:$stages_state" in *running* | *queued* | :* | *:) ;; *) break ;; esac
    alive
    [ "$SECONDS" -lt "$deadline" ] || { echo "test-cluster: runs still '$state', '$stages_state' after ${TIMEOUT}s"; break; }
    sleep 3
done
fail() {
    echo "test-cluster: FAILED: $*"
    for n in worker-a worker-b scheduler; do echo "--- $n.log (tail)"; tail -25 "$AF/logs/$n.log"; done
    exit 1
}
check_run() { # check_run DAG RUN_ID STATE TASK...: every task succeeded on a Celery worker
    local dag=$1 run=$2 run_st=$3 tis task ti_state host celery_id
    shift 3
    tis=$(psql_af -F ' ' -c "select task_id, state, coalesce(hostname, '-'), coalesce(external_executor_id, '-') from task_instance where dag_id = '$dag' and run_id = '$run' order by start_date")
    echo "test-cluster: task instances of $run (task, state, hostname, celery task id):"
    sed 's/^/test-cluster:   /' <<<"$tis"
    [ "$run_st" = success ] || fail "dag run $run is '$run_st'"
    [ "$(awk '{print $1}' <<<"$tis" | sort | paste -sd' ')" = "$(printf '%s\n' "$@" | sort | paste -sd' ')" ] ||
        fail "expected task instances $* in $run"
    while read -r task ti_state host celery_id; do
        [ "$ti_state" = success ] || fail "$task is $ti_state"
        case "$host" in worker-a | worker-b) ;; *) fail "$task ran on '$host', not on a Celery worker" ;; esac
        [ "$celery_id" != - ] || fail "$task has no Celery task id"
        # ...and that Celery task was received by the worker the hostname names.
        grep -q "execute_workload\[$celery_id\] received" "$AF/logs/$host.log" || fail "$task: Celery task $celery_id not in $host's log"
    done <<<"$tis"
    echo "test-cluster: $dag ran on the Celery workers: $(awk '{printf "%s%s on %s", (NR > 1 ? ", " : ""), $1, $3}' <<<"$tis")"
}
check_run "$DAG" "$RUN_ID" "$state" drift_gate retrain
grep -q "retrain on worker-" "$AF/retrain_ran" 2>/dev/null || fail "the retrain task's command did not run"
check_run mlops_dvc_stages "$STAGES_RUN_ID" "$stages_state" first second
# Each stage ran exactly once (`second`'s clone restored `first` from the remote's run cache),
# and the remote holds what `second` made: data moved between the tasks through it alone.
runs=$(awk '{print $1}' "$AF/stage_runs" 2>/dev/null | sort | paste -sd' ')
[ "$runs" = "first second" ] || fail "stage commands ran: '$runs' (expected first and second once each)"
md5=$(printf 'HELLO\nHELLO\n' | md5sum | cut -c1-32)
[ -f "$MLOPS_DVC_REMOTE/files/md5/${md5:0:2}/${md5:2}" ] || fail "out2.txt is not in the DVC remote $MLOPS_DVC_REMOTE"
echo "test-cluster: mlops_dvc_stages: first and second each ran once, in their own clones; out2.txt in the DVC remote $MLOPS_DVC_REMOTE"
