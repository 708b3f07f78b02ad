"""Registry: versions, aliases, promotion, rollback, safety, models-from-code loading."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from registry_fixtures import PROJECT_ROOT, fresh_registry, model_folder, registered

from mlops_pipeline.registry import CHAMPION, RegistryError
from mlops_pipeline.registry.__main__ import main as cli_main
from mlops_pipeline.run_lock import RunLockedError, pipeline_lock
from mlops_pipeline.tracking.config import load_tracking_config


def test_the_environment_variable_wins_and_sqlite_artifacts_stay_beside_it(tmp_path) -> None:
    config = load_tracking_config(PROJECT_ROOT, "test", environ={})
    assert config.tracking_uri.endswith(".scratch/test/mlflow/mlflow.db")
    base = load_tracking_config(PROJECT_ROOT, "base", environ={})
    assert base.tracking_uri == f"sqlite:///{PROJECT_ROOT / 'mlflow' / 'mlflow.db'}"
    uri = f"sqlite:///{tmp_path / 'x.db'}"
    config = load_tracking_config(PROJECT_ROOT, "base", environ={"MLFLOW_TRACKING_URI": uri})
    assert config.tracking_uri == uri
    assert config.artifact_location == (tmp_path / "artifacts").as_uri()
    server = load_tracking_config(PROJECT_ROOT, environ={"MLFLOW_TRACKING_URI": "http://h:5000"})
    assert server.artifact_location is None


def test_champion_loads_through_mlflow_and_scores_as_its_folder(tmp_path) -> None:
    registry = fresh_registry()
    folder, model, frame = model_folder(tmp_path)
    version = registered(registry, tmp_path)
    registry.promote(version)
    texts = frame["text"].tolist()
    pyfunc = mlflow.pyfunc.load_model(f"models:/{registry.name}@{CHAMPION}")
    got = np.asarray(pyfunc.predict(pd.DataFrame({"text": texts})))
    np.testing.assert_allclose(got, model.predict_proba(texts)[:, 1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        registry.load(CHAMPION).predict_proba(texts), model.predict_proba(texts), atol=1e-12
    )
    # the artifact is the safe folder plus the loader's source: no pickle anywhere
    stored = registry.folder(version).parent.parent
    names = {p.name for p in stored.rglob("*") if p.is_file()}
    assert "pyfunc_model.py" in names
    assert not [n for n in names if n.endswith((".pkl", ".pickle", ".joblib", ".cloudpickle"))]
    assert (registry.folder(version) / "model_card.json").exists()


def test_a_registered_version_describes_its_limitations(tmp_path) -> None:
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    card = registry.load(version).card
    description = registry.client.get_model_version(registry.name, str(version)).description
    assert description.startswith(f"{card.model_id} ({card.family}")
    assert "Limitations:" in description
    assert all(f"- {line}" in description for line in card.limitations)


def test_promotion_records_the_previous_champion_and_rollback_restores_it(tmp_path) -> None:
    registry = fresh_registry()
    v1, v2 = registered(registry, tmp_path, 1.0), registered(registry, tmp_path, 2.0)
    assert registry.promote(v1) is None
    assert registry.promote(v2) == v1
    assert registry.alias(CHAMPION).version == v2
    assert registry.rollback() == (v2, v1)
    assert registry.alias(CHAMPION).version == v1
    assert [v.version for v in registry.versions()] == [v1, v2]  # nothing deleted
    with pytest.raises(RegistryError, match="first champion"):
        registry.rollback()


def test_an_alias_never_points_at_missing_artifacts(tmp_path) -> None:
    registry = fresh_registry()
    v1, v2 = registered(registry, tmp_path, 1.0), registered(registry, tmp_path, 2.0)
    registry.promote(v1)
    import shutil

    shutil.rmtree(registry.folder(v2))
    with pytest.raises(RegistryError, match="artifacts|no model folder"):
        registry.promote(v2)
    assert registry.alias(CHAMPION).version == v1
    with pytest.raises(RegistryError, match="no version 99"):
        registry.promote(99)


def test_a_failing_registration_leaves_the_versions_as_they_were(tmp_path, monkeypatch) -> None:
    registry = fresh_registry()
    registered(registry, tmp_path, 1.0)
    before = [v.version for v in registry.versions()]

    def broken(version: int) -> Path:
        raise RuntimeError("injected: artifact store down")

    monkeypatch.setattr(registry, "verify", broken)
    with pytest.raises(RuntimeError, match="injected"):
        registered(registry, tmp_path, 2.0)
    assert [v.version for v in registry.versions()] == before


def test_cli_promote_rollback_and_the_lock(tmp_path, capsys) -> None:
    registry = fresh_registry()
    v1, v2 = registered(registry, tmp_path, 1.0), registered(registry, tmp_path, 2.0)
    env = {"MLFLOW_TRACKING_URI": os.environ["MLFLOW_TRACKING_URI"]}
    assert env["MLFLOW_TRACKING_URI"].startswith("sqlite:")
    args = ["--project-path", str(tmp_path), "--env", "base"]
    # the registered model name comes from mlflow.yml: give the copy this test's name
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "base" / "mlflow.yml").write_text(
        f"mlflow:\n  registered_model: {registry.name}\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")
    assert cli_main([*args, "promote", str(v1)]) == 0
    assert cli_main([*args, "promote", str(v2)]) == 0
    assert cli_main([*args, "rollback"]) == 0
    assert registry.alias(CHAMPION).version == v1
    assert cli_main([*args, "list"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "{" in line]
    assert {row["version"]: row["aliases"] for row in rows} == {v1: ["champion"], v2: []}
    with pipeline_lock("retrain", tmp_path):
        assert cli_main([*args, "promote", str(v2)]) == 2
    assert "already running" in capsys.readouterr().err
    assert registry.alias(CHAMPION).version == v1
    with pipeline_lock("retrain", tmp_path), pytest.raises(RunLockedError):
        cli_main_raw = pipeline_lock("retrain", tmp_path)
        cli_main_raw.__enter__()


def test_cli_runs_as_a_module(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlops_pipeline.registry", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "rollback" in result.stdout


def test_cli_init_registers_the_best_val_model_as_first_champion(tmp_path, capsys) -> None:
    registry = fresh_registry()
    for c, accuracy in ((1.0, 0.7), (2.0, 0.8)):
        folder, model, _ = model_folder(tmp_path / "models", c=c)
        card = json.loads((folder / "model_card.json").read_text())
        card["val_metrics"] = {"accuracy": accuracy, "roc_auc": 0.9, "rows": 10}
        (folder / "model_card.json").write_text(json.dumps(card))
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "base" / "mlflow.yml").write_text(
        f"mlflow:\n  registered_model: {registry.name}\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")
    args = ["--project-path", str(tmp_path), "--env", "base"]
    assert cli_main([*args, "init", "--models-root", "models"]) == 0
    assert registry.folder(registry.alias(CHAMPION).version).name == "logreg__tfidf_2.0"
    assert cli_main([*args, "init", "--models-root", "models"]) == 0  # idempotent
    assert "already set" in capsys.readouterr().out
    assert len(registry.versions()) == 1


def test_serving_uses_the_registry_champion_else_none(tmp_path, monkeypatch) -> None:
    from mlops_pipeline.registry.serving import registry_champion

    registry = fresh_registry()
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "base" / "mlflow.yml").write_text(
        f"mlflow:\n  registered_model: {registry.name}\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")

    def champion():
        return registry_champion(load_tracking_config(tmp_path, "base"))

    assert champion() is None  # registered model without champion
    version = registered(registry, tmp_path, 1.0)
    registry.promote(version)
    handle, info = champion()
    assert handle.folder == registry.folder(version) and info["registry_version"] == version
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert champion() is None  # no embedded store: nothing created
    assert not (tmp_path / "mlflow").exists()


def test_the_loader_script_and_the_registry_agree_on_the_artifact_key() -> None:
    from mlops_pipeline.registry import versions

    assert (
        f'MODEL_DIR_ARTIFACT = "{versions.MODEL_DIR_ARTIFACT}"' in versions.LOADER_FILE.read_text()
    )


def test_score_serves_the_registry_champion_else_select_champion(tmp_path) -> None:
    from mlops_pipeline.models.discovery import ModelHandle
    from mlops_pipeline.registry import serving

    registry = fresh_registry()
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "base" / "mlflow.yml").write_text(
        f"mlflow:\n  registered_model: {registry.name}\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")
    tracking = load_tracking_config(tmp_path, "base")  # the node input `tracking_config`
    folder, model, frame = model_folder(tmp_path / "models", c=1.0)
    card = json.loads((folder / "model_card.json").read_text())
    card["val_metrics"] = {"accuracy": 0.8, "roc_auc": 0.9, "rows": 3}
    (folder / "model_card.json").write_text(json.dumps(card))
    val = pd.DataFrame({"review_id": ["a", "b"], "model_id": folder.name, "proba": [0.2, 0.9]})
    datasets = {
        "train_x_models": {folder.name: ModelHandle(folder.name, folder)},
        "train_x_val_predictions": val,
    }
    reviews = frame.assign(fold=frame["fold"])
    handle, reference, info = serving.choose_serving_champion(reviews, tracking, **datasets)
    assert handle.folder == folder and info["chosen_by"].startswith("select_champion")
    version = registered(registry, tmp_path, 2.0)
    registry.promote(version)
    handle, reference, info = serving.choose_serving_champion(reviews, tracking, **datasets)
    assert handle.folder == registry.folder(version) and info["registry_version"] == version
    test_rows = reviews[reviews["fold"] == "test"]
    assert list(reference["review_id"]) == list(test_rows["review_id"])
    np.testing.assert_allclose(
        reference["proba"], registry.load(version).predict_proba(list(test_rows["text"]))[:, 1]
    )


def test_a_process_with_other_global_uris_still_reads_its_store(tmp_path) -> None:
    # the CLI and `score` never log, so mlflow's global URIs may point anywhere (or nowhere)
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    mlflow.set_tracking_uri(elsewhere)
    mlflow.set_registry_uri(elsewhere)
    try:
        assert (registry.folder(version) / "model_card.json").exists()
    finally:
        mlflow.set_tracking_uri(registry.config.tracking_uri)
        mlflow.set_registry_uri(registry.config.tracking_uri)
