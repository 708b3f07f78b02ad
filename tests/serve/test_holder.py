"""Where the served model comes from when the registry is absent, down at start, or lost while
serving (in-process: the same ModelHolder the service runs)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))
from registry_fixtures import PROJECT_ROOT, fresh_registry, model_folder  # noqa: E402

from mlops_pipeline.registry import register_folder  # noqa: E402
from mlops_pipeline.serve.__main__ import main  # noqa: E402
from mlops_pipeline.serve.holder import ModelHolder  # noqa: E402
from mlops_pipeline.serve.metrics import ServeMetrics  # noqa: E402
from mlops_pipeline.serve.settings import load_settings  # noqa: E402


def _settings(**overrides):
    return load_settings(PROJECT_ROOT, "test", poll_seconds=0, **overrides)


def test_without_a_registry_store_it_serves_select_champion_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'none' / 'mlflow.db'}")
    folder, _, _ = model_folder(tmp_path / "models")
    card = json.loads((folder / "model_card.json").read_text())
    card["val_metrics"] = {"accuracy": 0.9}
    (folder / "model_card.json").write_text(json.dumps(card))
    holder = ModelHolder(_settings(models_root=tmp_path / "models"), ServeMetrics())
    served = holder.start()
    assert served.info["registry_version"] is None
    assert served.info["source"].startswith("select_champion (no registry store")
    assert not (tmp_path / "none").exists()  # nothing created


def test_an_unreachable_registry_fails_the_start_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    code = main(["--project-path", str(PROJECT_ROOT), "--env", "test", "--port", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("error: ") and "127.0.0.1:9" in err[-1]


def test_a_lost_registry_keeps_the_loaded_model_and_is_reported(tmp_path):
    registry = fresh_registry()
    folder, _, _ = model_folder(tmp_path)
    registry.promote(register_folder(registry, folder, run_name="holder v1"))
    metrics = ServeMetrics()
    holder = ModelHolder(_settings(registered_model=registry.name), metrics)
    served = holder.start()
    holder.config = dataclasses.replace(holder.config, tracking_uri="http://127.0.0.1:9")
    import os

    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    try:
        answer = holder.check()
    finally:
        os.environ.pop("MLFLOW_HTTP_REQUEST_MAX_RETRIES")
    assert answer["swapped"] is False and "127.0.0.1:9" in answer["registry_error"]
    assert holder.current is served and holder.status()["registry_error"]
    assert b"serve_registry_up 0.0" in metrics.render()
