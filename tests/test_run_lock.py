"""The run lock: a second run of a pipeline that is running refuses at once, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from mlops_pipeline.run_lock import RunLockedError, pipeline_lock, pipeline_locks


def hold_lock(root: Path, name: str = "baseline", env: dict | None = None) -> subprocess.Popen:
    """A separate process that holds the lock of pipeline ``name`` under ``root``."""
    script = textwrap.dedent(
        f"""
        import time
        from mlops_pipeline.run_lock import pipeline_lock
        with pipeline_lock({name!r}, {str(root)!r}):
            print("held", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def holder(tmp_path: Path):
    proc = hold_lock(tmp_path)
    yield proc
    proc.kill()
    proc.wait()


def test_second_holder_is_refused_with_the_running_pid(tmp_path, holder):
    refused = pytest.raises(
        RunLockedError, match=rf"'baseline' is already running: host .+, pid {holder.pid} "
    )
    with refused, pipeline_lock("baseline", tmp_path):
        pass
    with pipeline_lock("features", tmp_path):  # other pipelines are free
        pass


def test_lock_is_free_again_when_the_holder_exits(tmp_path, holder):
    holder.kill()
    holder.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            with pipeline_locks(["baseline", "ingest"], tmp_path) as names:
                assert names == ["baseline", "ingest"]
            break
        except RunLockedError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_a_partial_acquisition_releases_what_it_took(tmp_path, holder):
    with pytest.raises(RunLockedError), pipeline_locks(["ingest", "baseline"], tmp_path):
        pass
    with pipeline_lock("ingest", tmp_path):  # not left held by the failed attempt
        pass


def test_kedro_run_of_a_running_pipeline_refuses_before_any_node(project_copy, monkeypatch):
    proc = hold_lock(project_copy)
    try:
        monkeypatch.chdir(project_copy)
        bootstrap_project(project_copy)
        refused = pytest.raises(RunLockedError, match="baseline")
        with KedroSession.create(project_path=project_copy, env="test") as session, refused:
            session.run(pipeline_names=["baseline"])
        assert not (project_copy / "data/08_reporting/baseline/metrics.json").exists()
    finally:
        proc.kill()
        proc.wait()


def test_the_refusal_names_the_holders_host_id(tmp_path, monkeypatch):
    monkeypatch.delenv("MLOPS_LOCK_URL", raising=False)
    env = {k: v for k, v in os.environ.items() if k != "MLOPS_LOCK_URL"}
    proc = hold_lock(tmp_path, env={**env, "MLOPS_HOST_ID": "worker-a"})
    try:
        monkeypatch.setenv("MLOPS_HOST_ID", "worker-b")
        refused = pytest.raises(RunLockedError, match=rf"host worker-a, pid {proc.pid} \(")
        with refused, pipeline_lock("baseline", tmp_path):
            pass
    finally:
        proc.kill()
        proc.wait()
