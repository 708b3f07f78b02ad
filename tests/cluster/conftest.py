"""Tests on real servers (``make test-cluster``, .ci/test_cluster.sh): marked ``cluster``,
deselected by ``make test``. The script exports the servers it started:
``CLUSTER_MLFLOW_URI`` (``mlflow server`` on PostgreSQL, proxied artifacts) and
``CLUSTER_LOCK_URL`` (the lock database)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))


@pytest.fixture
def servers(monkeypatch) -> dict[str, str]:
    """Point this process at the cluster's servers (skip when none was started)."""
    uri, lock = os.environ.get("CLUSTER_MLFLOW_URI"), os.environ.get("CLUSTER_LOCK_URL")
    if not uri or not lock:
        pytest.skip("no servers: run `make test-cluster` (CLUSTER_MLFLOW_URI, CLUSTER_LOCK_URL)")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLOPS_LOCK_URL", lock)
    return {"MLFLOW_TRACKING_URI": uri, "MLOPS_LOCK_URL": lock}
