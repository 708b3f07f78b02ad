"""Atomic writes: the one place that writes to a temporary sibling and renames it into place.

Every file or folder the project saves (datasets, model folders, fitted vectorizers, the
downloaded archive) goes through :func:`atomic_file` or :func:`atomic_directory`, so a run that
fails half-way (exception, kill, full disk) leaves the previous version byte-identical and no
temporary leftovers: ``os.replace`` is atomic within one filesystem, and the temporary path is
a sibling of the target for that reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_directory", "atomic_file"]


def _default_mode(base: int) -> int:
    """``base`` less the process umask: what ``open``/``mkdir`` would have given the path."""
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


@contextmanager
def atomic_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    The temporary name keeps ``target``'s suffix, because some writers append one when it is
    missing (``numpy.save`` adds ``.npy``, ``scipy.sparse.save_npz`` adds ``.npz``).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}.tmp-", suffix=target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, _default_mode(0o666))  # mkstemp makes 0600; the output is an ordinary file
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_directory(target: str | Path, *, replace: bool = True) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it replaces ``target``.

    A folder cannot be swapped in one rename when the target exists, so the old one is first
    renamed aside and removed only after the new one is in place; a failure inside the block
    leaves ``target`` untouched and removes the temporary folder. ``replace=False``: an
    existing ``target`` is never touched; :class:`FileExistsError` instead.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    os.chmod(tmp, _default_mode(0o777))  # mkdtemp makes 0700
    try:
        yield tmp
        if not replace and target.exists():
            raise FileExistsError(f"{target} exists and is never replaced")
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "previous")
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
