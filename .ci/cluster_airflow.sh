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
# retrain runs: its command is a marker file here, as in `make airflow-check`), waits for it
# (CLUSTER_AIRFLOW_TIMEOUT seconds, default 300) and checks from the metadata database that
# every task instance succeeded, went through Celery (a Celery task id) and ran on one of the
# two workers (its hostname). Stops everything it started on exit.
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

# The dag-processor serializes the DAG; the scheduler's next run of it is DagModel.next_dagrun.
# The manual run takes that logical date, so unpausing creates no second (scheduled) run.
next=""
while [ -z "$next" ]; do
    alive
    [ "$SECONDS" -lt "$deadline" ] || { echo "test-cluster: $DAG not parsed in ${TIMEOUT}s"; tail -30 "$AF/logs/dag-processor.log"; exit 1; }
    sleep 3
    next=$(psql_af -c "select to_char(next_dagrun at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"') from dag where dag_id = '$DAG'" 2>/dev/null || true)
done
RUN_ID="cluster_celery_$(date -u +%Y%m%dT%H%M%S)"
"$AIRFLOW" dags trigger "$DAG" --run-id "$RUN_ID" --logical-date "$next" >"$AF/logs/trigger.log" 2>&1 ||
    { cat "$AF/logs/trigger.log"; exit 1; }
"$AIRFLOW" dags unpause "$DAG" >>"$AF/logs/trigger.log" 2>&1 || { cat "$AF/logs/trigger.log"; exit 1; }
echo "test-cluster: triggered $DAG run $RUN_ID (logical date $next); waiting up to ${TIMEOUT}s"

state=""
while :; do
    state=$(psql_af -c "select state from dag_run where dag_id = '$DAG' and run_id = '$RUN_ID'")
    case "$state" in success | failed) break ;; esac
    alive
    [ "$SECONDS" -lt "$deadline" ] || { echo "test-cluster: run $RUN_ID still '$state' after ${TIMEOUT}s"; break; }
    sleep 3
done
TIS=$(psql_af -F ' ' -c "select task_id, state, coalesce(hostname, '-'), coalesce(external_executor_id, '-') from task_instance where dag_id = '$DAG' and run_id = '$RUN_ID' order by start_date")
echo "test-cluster: task instances of $RUN_ID (task, state, hostname, celery task id):"
sed 's/^/test-cluster:   /' <<<"$TIS"
fail() {
    echo "test-cluster: FAILED: $*"
    for n in worker-a worker-b scheduler; do echo "--- $n.log (tail)"; tail -25 "$AF/logs/$n.log"; done
    exit 1
}
[ "$state" = success ] || fail "dag run $RUN_ID is '$state'"
[ "$(wc -l <<<"$TIS")" = 2 ] || fail "expected 2 task instances (drift_gate, retrain)"
while read -r task ti_state host celery_id; do
    [ "$ti_state" = success ] || fail "$task is $ti_state"
    case "$host" in worker-a | worker-b) ;; *) fail "$task ran on '$host', not on a Celery worker" ;; esac
    [ "$celery_id" != - ] || fail "$task has no Celery task id"
    # ...and that Celery task was received by the worker the hostname names.
    grep -q "execute_workload\[$celery_id\] received" "$AF/logs/$host.log" || fail "$task: Celery task $celery_id not in $host's log"
done <<<"$TIS"
grep -q "retrain on worker-" "$AF/retrain_ran" 2>/dev/null || fail "the retrain task's command did not run"
echo "test-cluster: $DAG ran on the Celery workers: $(awk '{printf "%s%s on %s", (NR > 1 ? ", " : ""), $1, $3}' <<<"$TIS")"
