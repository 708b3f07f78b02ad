"""The registry CLI and the place of its store (issue 22, defect 5 and the restart rule).

5. The experiment's artifact location is an absolute path in ``mlflow.db``: a copied or moved
   checkout wrote its registry artifacts into the old checkout; ``registry list`` run from
   another directory created a stray ``./mlflow/mlflow.db`` and ended in a traceback.
"""

from __future__ import annotations

import json
import shutil

import pytest
from registry_fixtures import fresh_registry, model_folder, one_line_error, registered

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.registry import CHAMPION, Registry, RegistryError, register_folder
from mlops_pipeline.registry.__main__ import main as cli_main
from mlops_pipeline.registry.commit import COMMIT_TAG, intent_path, write_intent
from mlops_pipeline.tracking.config import load_tracking_config
from mlops_pipeline.tracking.hook import log_training_runs


def _project(root, name: str = "sentiment-classifier", log: str | None = None):
    (root / "conf" / "base").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'mlops_pipeline'\n")
    (root / "conf" / "base" / "mlflow.yml").write_text(f"mlflow:\n  registered_model: {name}\n")
    if log:
        (root / "conf" / "base" / "parameters_retrain.yml").write_text(
            f"retrain:\n  decision_log: {log}\n"
        )
    return root


def test_list_outside_a_project_is_one_line_and_creates_nothing(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli_main(["list"]) == 2
    assert "no Kedro project" in one_line_error(capsys.readouterr().err)
    assert list(elsewhere.iterdir()) == []


def test_list_finds_the_project_above_the_current_folder(tmp_path, monkeypatch, capsys):
    registry = fresh_registry()  # the session store (MLFLOW_TRACKING_URI)
    version = registered(registry, tmp_path)
    project = _project(tmp_path / "project", registry.name)
    (project / "docs").mkdir()
    monkeypatch.chdir(project / "docs")
    assert cli_main(["list"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == version
    assert not (project / "docs" / "mlflow").exists()


def test_reading_a_project_without_a_store_creates_none(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    project = _project(tmp_path / "project")
    for command in (["list"], ["champion"], ["verify"]):
        assert cli_main(["--project-path", str(project), *command]) == 2
        assert "no registry yet" in one_line_error(capsys.readouterr().err)
    assert not (project / "mlflow").exists()


def test_a_copied_checkout_never_writes_into_the_original(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MLFLOW_TRACKING_URI")  # the embedded store of each checkout
    original = _project(tmp_path / "original")
    registry = Registry(load_tracking_config(original, "base"))
    folder, _, _ = model_folder(tmp_path / "models")
    register_folder(registry, folder, run_name="first")
    artifacts = original / "mlflow" / "artifacts"
    files_before = sorted(p for p in artifacts.rglob("*") if p.name != "registered_model_meta")

    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    monkeypatch.delenv("MLFLOW_TRACKING_URI")  # mlflow.set_tracking_uri exports it: a new process
    config = load_tracking_config(copy, "base")
    with pytest.raises(RegistryError, match="copied or moved") as err:
        Registry(config)
    assert str(artifacts) in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(UserInputError, match="copied or moved"):  # training runs too
        log_training_runs(config, "train_x", {}, {}, 0.0)
    capsys.readouterr()
    assert cli_main(["--project-path", str(copy), "list"]) == 2
    assert "copied or moved" in one_line_error(capsys.readouterr().err)
    files_after = sorted(p for p in artifacts.rglob("*") if p.name != "registered_model_meta")
    assert files_after == files_before


def test_alias_commands_first_reconcile_an_interrupted_retrain_commit(tmp_path, capsys):
    registry = fresh_registry()
    project = _project(tmp_path / "project", registry.name, log="reporting/decisions.jsonl")
    v1 = registered(registry, tmp_path, 1.0)
    registry.promote(v1)
    # a retrain commit killed after moving the champion, before logging its outcome
    folder, _, _ = model_folder(tmp_path / "models", c=2.0)
    v2 = register_folder(registry, folder, run_name="killed", tags={COMMIT_TAG: "c0ffee"})
    log = project / "reporting" / "decisions.jsonl"
    write_intent(intent_path(log), {"commit_id": "c0ffee", "aliases_before": {CHAMPION: v1}})
    registry.promote(v2)
    assert cli_main(["--project-path", str(project), "--env", "base", "promote", str(v1)]) == 0
    assert "rolled back" in capsys.readouterr().out
    assert registry.aliases() == {CHAMPION: v1}
    assert [v.version for v in registry.versions()] == [v1]
    assert not intent_path(log).exists()


def test_verify_names_the_version_and_its_model_version(tmp_path, capsys):
    registry = fresh_registry()
    project = _project(tmp_path / "project", registry.name)
    version = registered(registry, tmp_path)
    registry.promote(version)
    assert cli_main(["--project-path", str(project), "--env", "base", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"version {version}" in out and registry.get(version).tags["model_version"] in out
