"""``dvc repro`` on the synthetic project: the second run changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, KEDRO_DISABLE_TELEMETRY="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="dvc needs git")
def test_dvc_repro_twice_second_changes_nothing(project_copy: Path) -> None:
    # Stage commands pin `--env base` (DVC-tracked configuration only); here the tiny test
    # parameters are installed as the base ones of this scratch copy (outputs stay in data/).
    for params in (project_copy / "conf" / "test").glob("parameters_*.yml"):
        shutil.copy2(params, project_copy / "conf" / "base" / params.name)
    _run(["git", "init", "-q"], project_copy)
    _run(["dvc", "init", "-q"], project_copy)
    first = _run(["dvc", "repro"], project_copy)
    assert "Running stage 'ingest'" in first.stdout
    second = _run(["dvc", "repro"], project_copy)
    assert "Running stage" not in second.stdout
    assert "up to date" in _run(["dvc", "status"], project_copy).stdout
    shown = json.loads(_run(["dvc", "metrics", "show", "--json"], project_copy).stdout)
    assert "data/08_reporting/baseline/metrics.json" in json.dumps(shown)

    # push / pull round-trip through a local remote: lose the output and the cache, pull it back
    reviews = project_copy / "data/02_intermediate/ingest/reviews.parquet"
    original = reviews.read_bytes()
    _run(
        ["dvc", "remote", "add", "-d", "--local", "storage", str(project_copy.parent / "remote")],
        project_copy,
    )
    _run(["dvc", "push"], project_copy)
    shutil.rmtree(project_copy / ".dvc" / "cache")
    reviews.unlink()
    _run(["dvc", "pull"], project_copy)
    assert reviews.read_bytes() == original
