"""ONNX Runtime for the sequence models (issue 25): export, the val decision, the card, and a
saved folder that serves with the runtime its card names (tiny synthetic LSTM and BERT)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from synthetic_lstm import fitted_model, token_data

from mlops_pipeline.models.bert import BertTextModel
from mlops_pipeline.models.discovery import load_model
from mlops_pipeline.models.onnx_options import OnnxOptions, resolve_onnx_options
from mlops_pipeline.models.onnx_runtime import choose_runtime, select_runtime
from mlops_pipeline.pipelines.train_bert.schema import Parameters as BertParameters
from mlops_pipeline.pipelines.train_lstm.schema import Parameters as LstmParameters


@pytest.fixture(scope="module")
def lstm():
    return fitted_model(seed=0, epochs=3)


def _bert_data(n: int) -> tuple[list[str], np.ndarray]:
    words = ["great", "awful", "the", "movie", "plot", "so"]
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 2
    texts = [f"{'great' if y else 'awful'} " + " ".join(rng.choice(words, 5)) for y in labels]
    return texts, labels


BERT_CONFIG = {
    "model_name_or_path": "random:tiny",
    "device": "cpu",
    "cpu_threads": 1,
    "show_progress": False,
    "encoding": {"max_length": 32},
    "training": {"epochs": 1, "batch_size": 8, "warmup_ratio": 0.0},
}


def _select(model, docs, labels, **options):
    options = resolve_onnx_options(options, "train_lstm")
    return select_runtime(model, lambda: model.predict_proba_tokens(docs)[:, 1], labels, options)


def test_fp32_export_matches_torch_and_the_card_records_the_choice(lstm, tmp_path) -> None:
    docs, labels = token_data(60, seed=5)
    torch_p = lstm.predict_proba_tokens(docs)
    record, probas = _select(lstm, docs, labels, serve="onnx_fp32")
    assert record["serve"] == "onnx_fp32" and record["opset"] == 17
    assert set(record["val"]) == {"torch", "onnx_fp32", "onnx_int8"}
    assert record["val"]["onnx_fp32"]["max_abs_dp"] < 1e-4
    np.testing.assert_allclose(lstm.predict_proba_tokens(docs), torch_p, atol=1e-4)
    assert lstm.serving_network() is not lstm.network  # ONNX Runtime really serves
    lstm.save(tmp_path / "m")
    card = json.loads((tmp_path / "m" / "model_card.json").read_text())
    assert card["extra"]["runtime"]["file"] == "onnx/model.onnx"
    assert (tmp_path / "m" / "onnx" / "model.onnx").is_file()
    loaded = load_model(tmp_path / "m")
    assert loaded.serving_network() is not loaded.network
    np.testing.assert_allclose(loaded.predict_proba_tokens(docs), probas["onnx_fp32"][:, None]
                               * [-1, 1] + [1, 0], atol=1e-6)  # fmt: skip


def test_missing_onnx_file_fails_naming_it(lstm, tmp_path) -> None:
    docs, labels = token_data(20, seed=6)
    _select(lstm, docs, labels, serve="onnx_fp32")
    lstm.save(tmp_path / "m")
    (tmp_path / "m" / "onnx" / "model.onnx").unlink()
    with pytest.raises(FileNotFoundError, match="onnx/model.onnx.*rerun the training stage"):
        load_model(tmp_path / "m")


def test_export_off_serves_torch(lstm, tmp_path) -> None:
    docs, labels = token_data(20, seed=7)
    record, _ = _select(lstm, docs, labels, export=False)
    assert record["serve"] == "torch" and lstm.serving_network() is lstm.network
    lstm.save(tmp_path / "m")
    assert not (tmp_path / "m" / "onnx").exists()
    assert load_model(tmp_path / "m").serving_network() is not None


def test_auto_takes_int8_only_within_the_tolerance() -> None:
    labels = np.array([1, 1, 0, 0] * 25)
    torch_p = np.where(labels == 1, 0.9, 0.1)
    int8 = torch_p.copy()
    int8[:1] = 0.2  # one error in 100: 1 point
    probas = {"torch": torch_p, "onnx_fp32": torch_p + 1e-7, "onnx_int8": int8}
    assert choose_runtime(labels, probas, "auto", 0.3)["serve"] == "onnx_fp32"
    assert choose_runtime(labels, probas, "auto", 1.0)["serve"] == "onnx_int8"
    better = {**probas, "onnx_int8": np.where(labels == 1, 0.9, 0.1), "torch": int8}
    assert choose_runtime(labels, better, "auto", 0.3)["serve"] == "torch"  # |delta| counts
    worse = {**probas, "onnx_fp32": int8}
    record = choose_runtime(labels, worse, "auto", 0.3)
    assert record["serve"] == "torch" and record["val"]["onnx_int8"]["max_abs_dp"] == 0.7


def test_bert_exports_and_serves_with_onnx(tmp_path) -> None:
    texts, labels = _bert_data(40)
    model = BertTextModel({}, BERT_CONFIG, model_id="tiny", seed=3)
    model.fit(texts[:24], labels[:24], texts[24:], labels[24:])
    torch_p = model.predict_proba(texts)
    options = resolve_onnx_options({"serve": "onnx_fp32"}, "train_bert")
    record, _ = select_runtime(model, lambda: model.predict_proba(texts)[:, 1], labels, options)
    assert record["serve"] == "onnx_fp32"
    np.testing.assert_allclose(model.predict_proba(texts), torch_p, atol=1e-4)
    model.save(tmp_path / "b")
    loaded = BertTextModel.load(tmp_path / "b")
    assert loaded.serving_network() is not loaded.network
    np.testing.assert_allclose(loaded.predict_proba(texts), torch_p, atol=1e-4)


def test_options_are_validated_and_both_schemas_carry_them() -> None:
    with pytest.raises(ValueError, match="unknown train_lstm.onnx option"):
        resolve_onnx_options({"opsett": 17}, "train_lstm")
    with pytest.raises(ValueError, match="train_bert.onnx.serve must be"):
        resolve_onnx_options({"serve": "tensorrt"}, "train_bert")
    for schema in (LstmParameters, BertParameters):
        assert schema.model_fields["onnx"].default_factory() == OnnxOptions()
