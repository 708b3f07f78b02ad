#!/usr/bin/env bash
# `make test-cluster` (docs/team.md): the team setup on real servers, on loopback, then the tests
# marked `cluster` against them. Starts PostgreSQL (Debian's package, installed when missing;
# a throwaway cluster in a temp folder, run by a non-root user) and `mlflow server` on it with
# proxied artifacts; stops both (and removes the folder) on exit, whatever happened.
# Then Airflow 3 on the CeleryExecutor (.ci/cluster_airflow.sh: Redis, scheduler, dag-processor,
# api-server, two Celery workers) runs the drift DAG and the DVC-stage DAG once each.
#   CLUSTER_KEEP=1   leave the temp folder (logs) in place
#   CLUSTER_AIRFLOW=0  skip the Airflow part
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PY="$BIN/python"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "test-cluster: PostgreSQL is not installed; run as root or: apt-get install -y postgresql"
        exit 1
    fi
    echo "test-cluster: installing PostgreSQL (apt-get install -y postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi
PG=$(pg_bin)

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d /tmp/mlops-cluster.XXXXXX)
chmod 755 "$WORK"
PG_PORT=$(free_port)
MLFLOW_PORT=$(free_port)
# initdb and the postmaster refuse root: run them as a plain user (created when missing).
if [ "$(id -u)" = 0 ]; then
    id -u mlops-ci >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin mlops-ci
    AS=(runuser -u mlops-ci --)
    mkdir "$WORK/pg" && chown mlops-ci "$WORK/pg"
else
    AS=()
    mkdir "$WORK/pg"
fi
MLFLOW_PID=""
stop_all() {
    set +e
    if [ -n "$MLFLOW_PID" ]; then
        echo "test-cluster: stopping mlflow server (pid $MLFLOW_PID)"
        kill -- "-$MLFLOW_PID" 2>/dev/null || kill "$MLFLOW_PID" 2>/dev/null
        wait "$MLFLOW_PID" 2>/dev/null
    fi
    if [ -f "$WORK/pg/data/postmaster.pid" ]; then
        echo "test-cluster: stopping PostgreSQL (127.0.0.1:$PG_PORT)"
        "${AS[@]}" "$PG/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null
    fi
    if [ "${CLUSTER_KEEP:-0}" = 1 ]; then echo "test-cluster: kept $WORK"; else rm -rf "$WORK"; fi
}
trap stop_all EXIT

"${AS[@]}" "$PG/initdb" -D "$WORK/pg/data" -U mlops --auth=trust -E UTF8 >"$WORK/pg/initdb.log"
"${AS[@]}" "$PG/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $WORK/pg" start >/dev/null
for db in mlflow mlops_locks; do "$PG/createdb" -h 127.0.0.1 -p "$PG_PORT" -U mlops "$db"; done
echo "test-cluster: PostgreSQL $("$PG/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (databases mlflow, mlops_locks; $WORK/pg)"

mkdir "$WORK/artifacts"
setsid "$BIN/mlflow" server --host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1 \
    --backend-store-uri "postgresql+psycopg2://mlops@127.0.0.1:$PG_PORT/mlflow" \
    --serve-artifacts --artifacts-destination "$WORK/artifacts" >"$WORK/mlflow.log" 2>&1 &
MLFLOW_PID=$!
for _ in $(seq 120); do
    "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$MLFLOW_PORT/health', timeout=2)" 2>/dev/null && break
    kill -0 "$MLFLOW_PID" 2>/dev/null || { cat "$WORK/mlflow.log"; exit 1; }
    sleep 1
done
echo "test-cluster: mlflow server on http://127.0.0.1:$MLFLOW_PORT (pid $MLFLOW_PID; backend PostgreSQL, artifacts proxied to $WORK/artifacts)"

# Airflow 3 on the CeleryExecutor (Redis broker, this PostgreSQL): one run of the drift DAG on two
# Celery workers, checked from the task instances; it stops what it started (.ci/cluster_airflow.sh).
if [ "${CLUSTER_AIRFLOW:-1}" = 1 ]; then
    CLUSTER_PG_PORT=$PG_PORT CLUSTER_PG_BIN=$PG CLUSTER_WORK=$WORK .ci/cluster_airflow.sh
fi

export CLUSTER_MLFLOW_URI="http://127.0.0.1:$MLFLOW_PORT"
export CLUSTER_LOCK_URL="postgresql://mlops@127.0.0.1:$PG_PORT/mlops_locks"
"$PY" -m pytest -m cluster -p no:cacheprovider tests/cluster "$@"
