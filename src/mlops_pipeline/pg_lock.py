"""The run lock across hosts: a PostgreSQL session-level advisory lock (``MLOPS_LOCK_URL``).

Used by :mod:`mlops_pipeline.run_lock` when ``MLOPS_LOCK_URL`` (a ``postgresql://`` URL) is
set; docs/team.md says why this and not Airflow pools. One lock per pipeline name: the key
``(CLASS_ID, crc32(name))`` of ``pg_try_advisory_lock(int, int)``, held by one open
connection for the whole run. PostgreSQL releases it when that connection ends, so a killed
run (SIGKILL, a lost host) never leaves a stale lock behind. The holder writes its host id,
pid, command and start time into the table ``mlops_run_locks`` (one row per pipeline,
overwritten by the next holder), which a refused run reads to name it.
"""

from __future__ import annotations

import time
import zlib
from typing import Any
from urllib.parse import urlsplit

import psycopg2

from mlops_pipeline.errors import UserInputError

#: First key of every advisory lock this project takes ("mlop" in ASCII), so its locks never
#: collide with another application's single-key locks on the same database.
CLASS_ID = 0x6D6C6F70
TABLE = "mlops_run_locks"
_SCHEMA_KEY = 0  # second key of the short lock that serialises CREATE TABLE
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (name text PRIMARY KEY, host text NOT NULL, "
    "pid integer NOT NULL, command text NOT NULL, started_at text NOT NULL)"
)


def lock_key(name: str) -> int:
    """Second key of pipeline ``name``'s lock: its CRC-32 as a signed 32-bit integer."""
    value = zlib.crc32(name.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


def redacted(url: str) -> str:
    """``url`` without its password (for messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def connect(url: str) -> Any:
    """An autocommit connection to the lock database, or one line saying what to fix."""
    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise UserInputError(
            f"MLOPS_LOCK_URL={redacted(url)}: not a postgresql:// URL; set it to the team's "
            "lock database (e.g. postgresql://user@db:5432/mlops_locks) or unset it for the "
            "local file lock"
        )
    try:
        conn = psycopg2.connect(url, connect_timeout=10, application_name="mlops run lock")
    except psycopg2.OperationalError as exc:
        first = (str(exc).strip().splitlines() or ["unknown"])[0]
        raise UserInputError(
            f"MLOPS_LOCK_URL={redacted(url)}: cannot connect ({first}); start the lock "
            "database or unset MLOPS_LOCK_URL to use the local file lock"
        ) from None
    conn.autocommit = True
    return conn


def holder(conn: Any, name: str) -> dict[str, Any] | None:
    """The recorded holder of ``name`` (``None``: not recorded yet, or no table)."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", (TABLE,))
        if not cur.fetchone()[0]:
            return None
        cur.execute(f"SELECT host, pid, command, started_at FROM {TABLE} WHERE name = %s", (name,))
        row = cur.fetchone()
    return (
        None
        if row is None
        else dict(zip(("host", "pid", "command", "started_at"), row, strict=True))
    )


def recorded_holder(conn: Any, name: str, wait_s: float = 2.0) -> dict[str, Any]:
    """The holder's record, waiting up to ``wait_s`` for it: the winner of a race takes the
    lock first and writes its row just after, so a loser that asked at the same instant would
    otherwise find no row and could not name the holder (``{}`` if it never appears)."""
    deadline = time.monotonic() + wait_s
    while True:
        found = holder(conn, name)
        if found or time.monotonic() >= deadline:
            return found or {}
        time.sleep(0.05)


def try_acquire(url: str, name: str, info: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """``(connection holding the lock, None)``, or ``(None, holder)`` when another run has it
    (``holder`` may be ``{}`` when that run has not recorded itself yet)."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s, %s)", (CLASS_ID, lock_key(name)))
            if not cur.fetchone()[0]:
                found = recorded_holder(conn, name)
                conn.close()
                return None, found
            cur.execute("BEGIN")  # one transaction: the schema lock ends with it
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (CLASS_ID, _SCHEMA_KEY))
            cur.execute(_CREATE)
            cur.execute("COMMIT")
            cur.execute(
                f"INSERT INTO {TABLE} (name, host, pid, command, started_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET host = "
                "EXCLUDED.host, pid = EXCLUDED.pid, command = EXCLUDED.command, "
                "started_at = EXCLUDED.started_at",
                (name, info["host"], info["pid"], info["command"], info["started_at"]),
            )
    except BaseException:
        conn.close()
        raise
    return conn, None


def release(conn: Any, name: str, info: dict[str, Any]) -> None:
    """Forget this run's record of ``name`` and end the session (which frees the lock)."""
    try:
        with conn.cursor() as cur:
            cur.execute(
                f"DELETE FROM {TABLE} WHERE name = %s AND host = %s AND pid = %s",
                (name, info["host"], info["pid"]),
            )
            cur.execute("SELECT pg_advisory_unlock(%s, %s)", (CLASS_ID, lock_key(name)))
    except psycopg2.Error:
        pass  # the connection is gone: so is the lock
    finally:
        conn.close()
