"""One run at a time per pipeline: the project's run lock (``filelock``).

Two ``kedro run``s of the same pipeline in one checkout would write the same outputs and mix
them. :func:`pipeline_lock` takes an exclusive lock file per pipeline under ``.locks/`` at the
project root; a second run that needs a held lock fails at once with :class:`RunLockedError`,
whose message names the running one (pid, command, start time) and what to do. The lock is
taken per pipeline, not per node, so the tasks of one scheduled run never refuse each other;
``dvc repro`` stages run ``kedro run`` and take the same locks. Retraining reuses this helper.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from mlops_pipeline.errors import UserInputError

LOCK_DIR = ".locks"


class RunLockedError(UserInputError, RuntimeError):
    """Another run holds the lock of a pipeline this run needs (printed as one line)."""


def _holder(info_file: Path) -> str:
    try:
        info = json.loads(info_file.read_text())
    except (OSError, ValueError):
        return "another run"
    return f"pid {info.get('pid')} ({info.get('command')}, started {info.get('started_at')})"


@contextmanager
def pipeline_lock(name: str, root: str | Path = ".") -> Iterator[Path]:
    """Hold the lock of pipeline ``name`` for the block; refuse at once if it is held."""
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
        info = {
            "pid": os.getpid(),
            "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:]),
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        info_file.write_text(json.dumps(info))
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
