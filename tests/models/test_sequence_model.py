"""The pieces the LSTM and BERT models share: options, truncation, batch order, val metrics,
and the saved-folder guard."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlops_pipeline.evaluation.metrics import classification_metrics
from mlops_pipeline.models.base import ModelCard, write_card
from mlops_pipeline.models.sequence_model import (
    SequenceTextModel,
    length_grouped_batches,
    resolve_options,
    sorted_batches,
    truncate,
    val_metrics,
)

DEFAULTS = {"device": "auto", "encoding": {"max_length": 256, "head": 0.25}, "training": {}}


def test_options_merge_nested_keys_and_refuse_unknown_ones() -> None:
    resolved = resolve_options(DEFAULTS, {"encoding": {"max_length": 64}}, "train_x", ("encoding",))
    assert resolved["encoding"] == {"max_length": 64, "head": 0.25}
    assert DEFAULTS["encoding"]["max_length"] == 256  # the defaults are never mutated
    with pytest.raises(ValueError, match=r"unknown train_x option\(s\) \['devise'\]"):
        resolve_options(DEFAULTS, {"devise": "cpu"}, "train_x")
    with pytest.raises(ValueError, match=r"train_x.encoding option\(s\) \['maxlen'\]"):
        resolve_options(DEFAULTS, {"encoding": {"maxlen": 3}}, "train_x", ("encoding",))


def test_truncation_modes() -> None:
    ids = np.arange(10)
    assert truncate(ids, 4, "head").tolist() == [0, 1, 2, 3]
    assert truncate(ids, 4, "tail").tolist() == [6, 7, 8, 9]
    assert truncate(ids, 4, "head_tail", head=0.5).tolist() == [0, 1, 8, 9]
    assert truncate(ids, 4, "head_tail", head=0.25).tolist() == [0, 7, 8, 9]
    assert truncate(list(range(100)), 10, "head_tail", 0.3).tolist() == [0, 1, 2, *range(93, 100)]
    assert truncate(ids, 20, "head_tail").tolist() == list(range(10))
    with pytest.raises(ValueError, match="truncation must be one of"):
        truncate(ids, 4, "middle")


def test_length_grouped_batches_cover_every_row_once_with_similar_lengths() -> None:
    lengths = np.random.default_rng(0).integers(1, 300, 1000)
    batches = length_grouped_batches(lengths, 32, np.random.default_rng(1), pool_batches=8)
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert all(np.all(np.diff(lengths[b]) >= 0) for b in batches)
    assert np.mean([np.ptp(lengths[b]) for b in batches]) < 0.25 * np.ptp(lengths)
    again = length_grouped_batches(lengths, 32, np.random.default_rng(1), pool_batches=8)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again, strict=True))


def test_sorted_batches_go_longest_first() -> None:
    batches = sorted_batches(np.array([3, 9, 1, 7, 5]), 2)
    assert [b.tolist() for b in batches] == [[1, 3], [4, 0], [2]]


def test_val_metrics_agree_with_the_evaluation() -> None:
    labels = np.array([0, 1, 1, 0, 1])
    proba = np.array([0.2, 0.9, 0.4, 0.6, 0.7])
    full = classification_metrics(labels, proba)
    assert val_metrics(labels, proba) == {k: full[k] for k in ("accuracy", "roc_auc", "rows")}
    assert val_metrics(labels, proba)["accuracy"] == 0.6
    assert val_metrics([1, 1], [0.8, 0.3])["roc_auc"] is None  # one class: AUC undefined


def test_a_folder_of_another_model_class_is_refused(tmp_path) -> None:
    card = ModelCard("m", "lstm", "tokens", {}, 1, 0.0, interface="pkg.mod:Other")
    write_card(tmp_path, card)
    (tmp_path / "config.json").write_text(json.dumps({"model_id": "m", "seed": 4}))
    with pytest.raises(ValueError, match="holds a 'pkg.mod:Other' model"):
        SequenceTextModel.read_saved(tmp_path, "pkg.mod:Mine")
    _, config, model_id, seed = SequenceTextModel.read_saved(tmp_path, "pkg.mod:Other")
    assert (config, model_id, seed) == ({}, "m", 4)
