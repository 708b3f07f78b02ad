"""One run at a time per pipeline: the project's run lock (``filelock``).

Two ``kedro run``s of the same pipeline in one checkout would write the same outputs and mix
them. :func:`pipeline_lock` takes an exclusive lock file per pipeline under ``.locks/`` at the
project root; a second run that needs a held lock fails at once with :class:`RunLockedError`,
whose message names the running one (pid, command, start time) and what to do. The lock is
taken per pipeline, not per node, so the tasks of one scheduled run never refuse each other;
``dvc repro`` stages run ``kedro run`` and take the same locks. Retraining reuses this helper.

Across hosts (docs/team.md): with ``MLOPS_LOCK_URL`` (a ``postgresql://`` URL) set, the same
locks are PostgreSQL advisory locks (:mod:`mlops_pipeline.pg_lock`), so runs on other machines
are excluded too. Either way the holder records its host id (``MLOPS_HOST_ID``, default the
hostname), pid, command and start time, and a refusal names them.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from mlops_pipeline.errors import UserInputError

LOCK_DIR = ".locks"
LOCK_URL_ENV = "MLOPS_LOCK_URL"
HOST_ID_ENV = "MLOPS_HOST_ID"


class RunLockedError(UserInputError, RuntimeError):
    """Another run holds the lock of a pipeline this run needs (printed as one line)."""


def host_id() -> str:
    """This machine's name in lock records: ``MLOPS_HOST_ID``, else the hostname."""
    return os.environ.get(HOST_ID_ENV) or socket.gethostname()


def _describe(info: dict | None) -> str:
    if not info:
        return "another run"
    return (
        f"host {info.get('host', '?')}, pid {info.get('pid')} ({info.get('command')}, "
        f"started {info.get('started_at')})"
    )


def _holder(info_file: Path) -> str:
    try:
        return _describe(json.loads(info_file.read_text()))
    except (OSError, ValueError):
        return "another run"


def _run_info() -> dict:
    return {
        "host": host_id(),
        "pid": os.getpid(),
        "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:]),
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


@contextmanager
def _advisory_lock(name: str, url: str) -> Iterator[str]:
    # why local: psycopg2 is only needed in team mode (the default lock is a file)
    from mlops_pipeline import pg_lock

    info = _run_info()
    conn, held_by = pg_lock.try_acquire(url, name, info)
    if conn is None:
        raise RunLockedError(
            f"pipeline {name!r} is already running: {_describe(held_by)}. Wait for it to "
            f"finish or stop it; the lock is a PostgreSQL advisory lock in "
            f"{pg_lock.redacted(url)} ({LOCK_URL_ENV}; released automatically when that run "
            "exits)."
        )
    try:
        yield f"{pg_lock.redacted(url)}#{name}"
    finally:
        pg_lock.release(conn, name, info)


@contextmanager
def pipeline_lock(name: str, root: str | Path = ".") -> Iterator[Path | str]:
    """Hold the lock of pipeline ``name`` for the block; refuse at once if it is held.

    Yields the lock file, or ``<lock database>#<name>`` when ``MLOPS_LOCK_URL`` is set."""
    url = os.environ.get(LOCK_URL_ENV)
    if url:
        with _advisory_lock(name, url) as where:
            yield where
        return
    lock_dir = Path(root) / LOCK_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock_file, info_file = lock_dir / f"{name}.lock", lock_dir / f"{name}.json"
    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunLockedError(
            f"pipeline {name!r} is already running: {_holder(info_file)}. Wait for it to finish "
            f"or stop it; the lock is {lock_file} (released automatically when that run exits)."
        ) from None
    try:
        info_file.write_text(json.dumps(_run_info()))
        yield lock_file
    finally:
        info_file.unlink(missing_ok=True)
        lock.release()


@contextmanager
def pipeline_locks(names: Iterable[str], root: str | Path = ".") -> Iterator[list[str]]:
    """Hold the locks of several pipelines (taken in sorted order, so runs never deadlock)."""
    ordered = sorted(set(names))
    with ExitStack() as stack:
        for name in ordered:
            stack.enter_context(pipeline_lock(name, root))
        yield ordered
