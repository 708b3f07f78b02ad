"""The run lock across hosts (issue 28): a PostgreSQL advisory lock (``MLOPS_LOCK_URL``) taken by
two "hosts" (two checkouts, two ``MLOPS_HOST_ID``), one MLflow server. Run by
``make test-cluster`` (.ci/test_cluster.sh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cluster_project import project_root

from mlops_pipeline.registry import CHALLENGER, CHAMPION, Registry
from mlops_pipeline.run_lock import RunLockedError, pipeline_lock
from mlops_pipeline.tracking.config import load_tracking_config

pytestmark = pytest.mark.cluster
HERE = Path(__file__).resolve().parent


def test_the_lock_refusal_names_the_other_host(servers, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MLOPS_HOST_ID", "host-a")
    with pipeline_lock("retrain", tmp_path / "a"):
        monkeypatch.setenv("MLOPS_HOST_ID", "host-b")
        refused = pytest.raises(RunLockedError, match=r"already running: host host-a, pid \d+ ")
        with refused, pipeline_lock("retrain", tmp_path / "b"):  # another checkout: no file
            pass
        with pipeline_lock("score", tmp_path / "b"):  # other pipelines are free
            pass
    with pipeline_lock("retrain", tmp_path / "b"):  # released with the block
        pass
    assert not (tmp_path / "a" / ".locks").exists()  # the database held it, not a file


def test_two_concurrent_retrains_from_two_hosts_one_runs(servers, tmp_path) -> None:
    name = f"retrain-{uuid.uuid4().hex[:8]}"
    go = tmp_path / "go"
    hosts = {}
    for host in ("host-a", "host-b"):
        checkout = tmp_path / host
        checkout.mkdir()
        env = {**os.environ, **servers, "MLOPS_HOST_ID": host}
        hosts[host] = subprocess.Popen(
            [sys.executable, str(HERE / "retrain_host.py"), str(checkout), str(go), name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    go.touch()  # both start at once; the winner holds the lock until the loser has exited
    loser = None
    while loser is None:
        for host, proc in hosts.items():
            if proc.poll() is not None:
                loser = host
                break
    (tmp_path / ("host-b" if loser == "host-a" else "host-a") / "release").touch()
    results = {
        host: (*proc.communicate(timeout=300), proc.returncode) for host, proc in hosts.items()
    }
    winner = "host-b" if loser == "host-a" else "host-a"
    out, err, code = results[winner]
    assert code == 0 and "lock taken" in out, err[-3000:]
    out, err, code = results[loser]
    assert code == 3 and "lock taken" not in out, err[-3000:]
    assert f"'retrain' is already running: host {winner}, pid {hosts[winner].pid} " in err
    decision = json.loads((tmp_path / winner / "decision.json").read_text())
    assert decision["outcome"] == "promoted", decision
    registry = Registry(load_tracking_config(project_root(tmp_path / "p", name), "base"))
    assert registry.alias(CHAMPION).version == registry.alias(CHALLENGER).version == 2
    assert [v.version for v in registry.versions()] == [1, 2]  # one cycle ran, not two
