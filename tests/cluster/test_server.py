"""MLflow on a server (issue 28): the registry CLI, ``score``'s champion and a crashed retrain
commit through ``mlflow server`` on PostgreSQL with proxied artifacts. Run by
``make test-cluster`` (.ci/test_cluster.sh)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
from cluster_project import project_root
from registry_fixtures import model_folder

from mlops_pipeline.registry import CHAMPION, Registry
from mlops_pipeline.registry.__main__ import main as cli_main
from mlops_pipeline.registry.commit import reconcile
from mlops_pipeline.registry.serving import registry_champion
from mlops_pipeline.scoring.batch import score_accepted
from mlops_pipeline.tracking.config import load_tracking_config

pytestmark = pytest.mark.cluster
HERE = Path(__file__).resolve().parent


def test_registry_init_promote_rollback_and_score_through_the_server(
    servers, tmp_path, capsys
) -> None:
    name = f"team-{uuid.uuid4().hex[:8]}"
    project = project_root(tmp_path / "project", name)
    for c, accuracy in ((1.0, 0.8), (2.0, 0.7)):
        folder, _, _ = model_folder(project / "data" / "06_models", c=c)
        card = json.loads((folder / "model_card.json").read_text())
        card["val_metrics"] = {"accuracy": accuracy, "roc_auc": 0.9, "rows": 10}
        (folder / "model_card.json").write_text(json.dumps(card))
    args = ["--project-path", str(project), "--env", "base"]
    assert cli_main([*args, "init"]) == 0
    second = project / "data" / "06_models" / "logreg__tfidf_2.0"
    assert cli_main([*args, "register", str(second)]) == 0
    assert cli_main([*args, "promote", "2"]) == 0
    config = load_tracking_config(project, "base")
    assert config.tracking_uri == servers["MLFLOW_TRACKING_URI"]
    assert config.artifact_location is None  # the server decides: proxied, no shared disk
    registry = Registry(config)
    assert registry.alias(CHAMPION).version == 2
    source = registry.client.get_model_version(name, "2").source
    assert source.startswith(("mlflow-artifacts:", "models:/")), source
    assert cli_main([*args, "rollback"]) == 0
    assert registry.alias(CHAMPION).version == 1
    assert [v.version for v in registry.versions()] == [1, 2]  # nothing deleted
    assert cli_main([*args, "verify", "champion"]) == 0
    out = capsys.readouterr().out
    assert "champion: version 1 (rolled back from 2" in out and "every stored file" in out

    # `score` reads @champion through the server: the same probabilities as the folder
    handle, info = registry_champion(config)
    assert info["registry_version"] == 1
    _, model, frame = model_folder(tmp_path / "local", c=1.0)
    table = score_accepted(frame.rename(columns={"review_id": "id"}), handle)
    expected = model.predict_proba(frame["text"].tolist())[:, 1]
    np.testing.assert_allclose(table["probability"].to_numpy(), expected, rtol=0, atol=1e-12)


def test_a_retrain_commit_killed_mid_cycle_changes_nothing_on_the_server(servers, tmp_path):
    log = tmp_path / "decisions.jsonl"
    child = subprocess.run(
        [sys.executable, str(HERE.parent / "registry" / "commit_crash_child.py"), str(log),
         "version registered"],
        env={**os.environ, **servers}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr[-3000:]
    before = json.loads((tmp_path / "before.json").read_text())
    registry = Registry(load_tracking_config(project_root(tmp_path / "p", "crash-test"), "base"))
    assert reconcile(registry, log) == "rolled back"
    assert registry.aliases() == before["aliases"] == {CHAMPION: 1}
    assert [v.version for v in registry.versions()] == before["versions"] == [1]
    assert log.read_text() == before["log"]
