"""Sharing through a DVC remote outside the clone (docs/dvc.md), and the project's DVC config."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_pipeline.offline_plots import DEFAULT_TARGET

PROJECT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="dvc needs git")


def _run(args: list[str], cwd: Path) -> str:
    env = dict(os.environ, KEDRO_DISABLE_TELEMETRY="1", DVC_NO_ANALYTICS="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _git(cwd: Path, *args: str) -> str:
    return _run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd)


def test_push_then_a_teammates_fresh_clone_pulls_the_data(tmp_path: Path) -> None:
    origin, remote, teammate = tmp_path / "origin", tmp_path / "remote", tmp_path / "teammate"
    (origin / "data").mkdir(parents=True)
    _git(origin, "init", "-q")
    _run(["dvc", "init", "-q"], origin)
    table = origin / "data" / "reviews.csv"
    table.write_text("review_id,text\ntrain_pos_1,great\ntrain_neg_2,awful\n")
    _run(["dvc", "add", "-q", "data/reviews.csv"], origin)
    # the shared remote is a path OUTSIDE the clone (s3://, gs://, ssh:// in real life)
    _run(["dvc", "remote", "add", "-d", "storage", str(remote)], origin)
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "data")
    _run(["dvc", "push"], origin)
    assert any(p.is_file() for p in remote.rglob("*")), "nothing pushed to the remote"

    _git(tmp_path, "clone", "-q", str(origin), str(teammate))
    assert not (teammate / "data" / "reviews.csv").exists()  # git carries only the .dvc file
    _run(["dvc", "pull"], teammate)
    assert (teammate / "data" / "reviews.csv").read_bytes() == table.read_bytes()
    assert "in sync" in _run(["dvc", "status", "--cloud"], teammate)


def test_project_dvc_config_offline_plots_and_a_local_default_remote() -> None:
    config = configparser.ConfigParser()
    config.read(PROJECT / ".dvc" / "config")
    template = config["plots"]["html_template"]
    # DVC resolves a relative html_template against .dvc/; `make install` builds it there
    assert (PROJECT / ".dvc" / template).resolve() == (PROJECT / DEFAULT_TARGET).resolve()
    assert config["core"]["remote"] == "storage"
    assert (
        config["'remote \"storage\"'"]["url"] == "../.dvc-storage"
    )  # inside the clone: docs/dvc.md
