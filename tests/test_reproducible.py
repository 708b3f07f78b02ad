"""Same code, parameters and data give the same bytes: the ``imdb`` chain run twice in separate
processes with a different hash seed and thread settings writes identical outputs (DESIGN.md
"Determinism and time"); only the per-run measurements (wall times, timestamps) differ, and
those live in files that neither DVC hashes nor git tracks.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRATCH = Path(".scratch/test/data")  # conf/test/globals.yml: the test environment's data root
#: Per-run files (.gitignore, .dvcignore and dvc.yaml keep them out of git and DVC hashes).
PER_RUN = ("*/node_timings.json", "*/timings.json", "*/leaderboard.*", "*/run_info.json")


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of every output file under ``root`` except the per-run ones."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(fnmatch.fnmatch(f"/{p.relative_to(root)}", g) for g in PER_RUN)
    }


def _run(project: Path, hash_seed: str, threads: str) -> None:
    env = {
        **os.environ,
        "PYTHONHASHSEED": hash_seed,
        "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads,
        "KEDRO_DISABLE_TELEMETRY": "1",
    }
    kedro = Path(sys.executable).with_name("kedro")
    result = subprocess.run(
        [str(kedro), "run", "--pipelines", "imdb", "--env", "test"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_two_runs_in_separate_processes_write_identical_outputs(tmp_path) -> None:
    from project_copy import copy_project

    first = copy_project(tmp_path / "first")
    second = copy_project(tmp_path / "second")
    _run(first, hash_seed="1", threads="1")
    _run(second, hash_seed="2", threads="2")
    one, two = digests(first / SCRATCH), digests(second / SCRATCH)
    assert len(one) > 50, sorted(one)  # the whole chain ran (tables, matrices, models, reports)
    differ = sorted(k for k in one.keys() | two.keys() if one.get(k) != two.get(k))
    assert not differ, f"{len(differ)} outputs differ between two runs: {differ[:20]}"
    # the per-run files exist: they were only set aside, not lost
    assert list((first / SCRATCH).rglob("run_info.json"))
