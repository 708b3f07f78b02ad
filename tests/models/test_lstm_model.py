"""LSTMTextModel: safe save/load, raw-text path, card, device selection."""

from __future__ import annotations

import json
from unittest import mock

import numpy as np
import pytest
import torch
from synthetic_lstm import PREPROCESS, fitted_model, token_data

from mlops_pipeline.models.base import read_card
from mlops_pipeline.models.discovery import load_model
from mlops_pipeline.models.lstm import INTERFACE, LSTMTextModel
from mlops_pipeline.text import TextPreprocessor
from mlops_pipeline.torch_runtime import DeviceUnavailableError, autocast_dtype, select_device


@pytest.fixture(scope="module")
def model() -> LSTMTextModel:
    return fitted_model(seed=0, epochs=3)


def test_save_load_round_trip_gives_identical_probabilities(model, tmp_path) -> None:
    model.record_val_metrics([0, 1, 1], np.array([0.2, 0.7, 0.4]))
    model.save(tmp_path / "lstm")
    files = sorted(p.name for p in (tmp_path / "lstm").iterdir())
    assert files == [
        "config.json", "model_card.json", "preprocess.json", "run_info.json", "vocab.json",
        "weights.safetensors",
    ]  # fmt: skip
    loaded = load_model(tmp_path / "lstm")
    assert isinstance(loaded, LSTMTextModel)
    docs, _ = token_data(50, seed=5)
    np.testing.assert_array_equal(
        loaded.predict_proba_tokens(docs), model.predict_proba_tokens(docs)
    )
    card = read_card(tmp_path / "lstm")
    assert card.interface == INTERFACE
    assert card.val_metrics == {"accuracy": 0.66667, "roc_auc": 1.0, "rows": 3}
    assert card.extra["refit_on_fit_val"] is False
    assert card.device == "cpu" and card.train_rows == 240 and card.train_seconds > 0
    assert card.extra["epochs_run"] == 3


def test_probabilities_have_two_columns_summing_to_one(model) -> None:
    docs, _ = token_data(10, seed=2)
    proba = model.predict_proba_tokens(docs + [[]])
    assert proba.shape == (11, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_raw_text_path_equals_the_preprocessed_tokens_path(model) -> None:
    import pandas as pd

    texts = ["A great <br /><br />film, EXCELLENT!", "Awful... w3 boring w4?", ""]
    tokens = TextPreprocessor(PREPROCESS).tokens(texts)
    frame = pd.DataFrame({"text": texts, "tokens": tokens})
    np.testing.assert_array_equal(model.predict_proba(texts), model.predict_proba_prepared(frame))


def test_load_reads_no_pickle(model, tmp_path) -> None:
    model.save(tmp_path / "m")
    with (
        mock.patch("pickle.load", side_effect=AssertionError("pickle used")),
        mock.patch("torch.load", side_effect=AssertionError("torch.load used")),
    ):
        LSTMTextModel.load(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["network"]["vocab_size"] == len(model.vocab)


def test_device_selection_with_cuda_mocked() -> None:
    with mock.patch("torch.cuda.is_available", return_value=True):
        assert select_device("auto").type == "cuda"
        assert select_device("cuda").type == "cuda"
    with mock.patch("torch.cuda.is_available", return_value=False):
        assert select_device("auto").type == "cpu"
        with pytest.raises(DeviceUnavailableError, match="train_lstm.device") as err:
            select_device("cuda", parameter="train_lstm.device")
        assert "\n" not in str(err.value) and "cpu" in str(err.value)
    assert select_device("cpu").type == "cpu"
    with pytest.raises(ValueError):
        select_device("tpu")


def test_autocast_only_on_cuda() -> None:
    assert autocast_dtype(torch.device("cpu"), "auto") is None
    assert autocast_dtype(torch.device("cuda"), "fp16") is torch.float16
    assert autocast_dtype(torch.device("cuda"), "fp32") is None
    assert autocast_dtype(torch.device("cuda"), "auto") is torch.float16
    assert autocast_dtype(torch.device("cuda"), "bf16") is torch.bfloat16


def test_unknown_options_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        LSTMTextModel({}, {"trainig": {}})
    with pytest.raises(ValueError, match="unknown"):
        LSTMTextModel({}, {"training": {"epoch": 3}})
