"""The champion rule: best val accuracy, ties by model_id, never the test order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.champion import select_champion, select_champion_from_sets
from mlops_pipeline.models.discovery import ModelHandle

CARD = {
    "family": "x",
    "features": "bow",
    "params": {},
    "train_rows": 1,
    "train_seconds": 0.0,
    "device": "cpu",
    "size_bytes": 0,
    "created_at": "",
    "data_hash": "",
    "params_hash": "",
}


def _handle(root: Path, model_id: str, val: dict | None, test_accuracy: float = 0.5) -> ModelHandle:
    folder = root / model_id
    folder.mkdir(parents=True)
    card = {**CARD, "model_id": model_id, "extra": {"test_accuracy": test_accuracy}}
    if val is not None:
        card["val_metrics"] = val
    (folder / "model_card.json").write_text(json.dumps(card))
    return ModelHandle(model_id, folder)


def test_best_val_accuracy_wins_not_test(tmp_path):
    models = {
        "a": _handle(tmp_path, "a", {"accuracy": 0.80, "roc_auc": 0.9, "rows": 10}, 0.99),
        "b": _handle(tmp_path, "b", {"accuracy": 0.85, "roc_auc": 0.9, "rows": 10}, 0.10),
    }
    assert select_champion(models).model_id == "b"


def test_ties_go_to_smaller_model_id_and_missing_val_is_skipped(tmp_path):
    models = {
        "z": _handle(tmp_path, "z", {"accuracy": 0.9, "roc_auc": 0.9, "rows": 10}),
        "m": _handle(tmp_path, "m", {"accuracy": 0.9, "roc_auc": 0.9, "rows": 10}),
        "a": _handle(tmp_path, "a", None),
    }
    assert select_champion(models).model_id == "m"


def test_no_val_metrics_is_a_user_error(tmp_path):
    with pytest.raises(UserInputError, match="val_metrics"):
        select_champion({"a": _handle(tmp_path, "a", None)})


def test_from_sets_names_the_origin(tmp_path):
    sets = {
        "train_classical_models": {"a": _handle(tmp_path / "c", "a", {"accuracy": 0.7})},
        "train_lstm_models": {"b": _handle(tmp_path / "l", "b", {"accuracy": 0.8})},
    }
    name, handle = select_champion_from_sets(sets)
    assert (name, handle.model_id) == ("train_lstm_models", "b")
