""":class:`BertTextModel`: light cleaning + a fine-tuned transformer encoder with a 2-class head.

Folder layout written by :meth:`BertTextModel.save` (nothing is unpickled when loading)::

    model_card.json    the card (DESIGN.md "Model interface"), with ``val_metrics``
    preprocess.json    TextPreprocessor.to_config() (its ``text_light`` cleaning runs first)
    config.json        encoding, inference and training settings, seed, model source
    transformer/       save_pretrained: config.json, model.safetensors, tokenizer files
    onnx/              model[.int8].onnx when the card's ``extra.runtime`` serves ONNX
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from mlops_pipeline.atomic_io import atomic_directory
from mlops_pipeline.models.base import ModelCard, hash_arrays, hash_params
from mlops_pipeline.models.base import write_card as _write_card
from mlops_pipeline.models.onnx_runtime import OrtNetwork, read_onnx, write_onnx
from mlops_pipeline.models.sequence_model import (
    CONFIG_FILE,
    TRUNCATIONS,
    SequenceTextModel,
    resolve_options,
)
from mlops_pipeline.torch_runtime import seed_everything, select_device, torch_compute

from .encoding import encode
from .source import DEFAULT_SOURCE, load_pretrained
from .training import (
    enable_tf32,
    predict_logits,
    select_precision,
    softmax_positive,
    train_classifier,
    training_settings,
)

logger = logging.getLogger(__name__)

INTERFACE = "mlops_pipeline.models.bert.model:BertTextModel"
PREPROCESS_FILE = "preprocess.json"
TRANSFORMER_DIR = "transformer"
TEST_SCORING = ("subset", "full")

#: Keys of ``train_bert`` the model reads (parameters_train_bert.yml documents each).
DEFAULT_CONFIG: dict[str, Any] = {
    "model_name_or_path": DEFAULT_SOURCE,
    "allow_download": False,
    "device": "auto",
    "precision": "auto",
    "cpu_threads": 2,
    "deterministic": True,
    "show_progress": True,
    "test_scoring": "subset",
    "encoding": {"max_length": 256, "truncation": "head_tail", "head": 0.25},
    "training": {},
}


def resolve_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with ``config`` (unknown keys refused); ``training`` fully resolved."""
    resolved = resolve_options(DEFAULT_CONFIG, config, "train_bert", ("encoding",))
    resolved["training"] = training_settings(resolved["training"])
    if resolved["encoding"]["truncation"] not in TRUNCATIONS:
        raise ValueError(f"train_bert.encoding.truncation must be one of {TRUNCATIONS}")
    if resolved["test_scoring"] not in TEST_SCORING:
        raise ValueError(f"train_bert.test_scoring must be one of {TEST_SCORING}")
    return resolved


class BertTextModel(SequenceTextModel):
    """A transformer encoder (BERT family) fine-tuned for 2-class sentiment.

    Args:
        preprocess_config: ``TextPreprocessor.to_config()``; its ``text_light`` cleaning
            (HTML, URLs, whitespace; case and punctuation kept) runs before the tokenizer.
        config: the ``train_bert`` options (see :data:`DEFAULT_CONFIG`).
        model_id: folder name under ``data/06_models/train_bert/``.
        seed: seeds the new head, batch order and dropout.
    """

    family = "bert"

    def __init__(
        self,
        preprocess_config: Mapping[str, Any],
        config: Mapping[str, Any] | None = None,
        model_id: str = "bert",
        seed: int = 0,
    ) -> None:
        self.preprocess_config = dict(preprocess_config)
        self.config = resolve_config(config)
        self.seed = int(seed)
        self._model_id = model_id
        self.tokenizer: Any = None
        self.network: Any = None
        self.device = torch.device("cpu")
        self.card = None
        self.val_proba: np.ndarray | None = None  # P(positive) of fit's val texts (not saved)

    # -- encoding --------------------------------------------------------------------------
    def encode_light(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Token ids of already light-cleaned texts (``text_light``), truncated as configured."""
        if self.tokenizer is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        enc = self.config["encoding"]
        return encode(self.tokenizer, texts, enc["max_length"], enc["truncation"], enc["head"])

    # -- training --------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        val_texts: Sequence[str] | None = None,
        val_labels: Sequence[int] | None = None,
    ) -> BertTextModel:
        """Raw-text training: light cleaning, then :meth:`fit_light`."""
        light = self.preprocessor.light(list(texts))
        val_light = self.preprocessor.light(list(val_texts)) if val_texts is not None else None
        return self.fit_light(light, labels, val_light, val_labels)

    def fit_light(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        val_texts: Sequence[str] | None = None,
        val_labels: Sequence[int] | None = None,
    ) -> BertTextModel:
        """Fine-tune on ``text_light`` texts; val accuracy each epoch, best epoch kept (no refit)."""
        cfg = self.config
        seed_everything(self.seed)
        self.device = select_device(cfg["device"], parameter="train_bert.device")
        dtype = select_precision(self.device, cfg["precision"])
        enable_tf32(self.device)
        self.tokenizer, self.network = load_pretrained(
            cfg["model_name_or_path"], cfg["allow_download"]
        )
        y = np.asarray(labels, dtype=np.int64)
        fit = (self.encode_light(texts), y)
        val = None
        if val_texts is not None and val_labels is not None:
            val = (self.encode_light(val_texts), np.asarray(val_labels, dtype=np.int64))
        truncated = float(np.mean([len(s) >= cfg["encoding"]["max_length"] for s in fit[0]]))
        logger.info(
            "train_bert: %s on %d reviews (%s, %s), %.0f %% truncated to %d tokens",
            cfg["model_name_or_path"], len(y), self.device, dtype or "fp32", 100 * truncated,
            cfg["encoding"]["max_length"],
        )  # fmt: skip
        start = time.perf_counter()
        with torch_compute(self.cpu_threads(), cfg["deterministic"]):
            result = train_classifier(
                self.network, fit, val, cfg["training"], self.tokenizer.pad_token_id,
                self.device, dtype, self.seed, cfg["show_progress"],
            )  # fmt: skip
        seconds = time.perf_counter() - start
        val_logits = result.pop("best_val_logits")
        self.val_proba = None if val_logits is None else softmax_positive(val_logits)
        n_params = sum(p.numel() for p in self.network.parameters())
        self.card = ModelCard(
            model_id=self.model_id,
            family=self.family,
            features="text_light+wordpiece",
            params=cfg,
            train_rows=len(y),
            train_seconds=round(seconds, 3),
            device=self.device.type,
            data_hash=hash_arrays(list(texts), y),
            params_hash=hash_params({"config": cfg, "preprocess": self.preprocess_config}),
            interface=INTERFACE,
            extra={
                "seed": self.seed,
                "base_model": cfg["model_name_or_path"],
                "parameters": int(n_params),
                "precision": str(dtype).replace("torch.", "") if dtype else "fp32",
                "cpu_threads": cfg["cpu_threads"],
                "truncated_share": round(truncated, 5),
                "test_scoring": cfg["test_scoring"],
                "refit_on_fit_val": False,
                "refit_note": "deep model: trained on fit (or its fixed subset) only, best "
                "epoch on val (DESIGN.md 'Validation scores and predictions')",
                **result,
            },
        )
        self.network.to("cpu")
        self.device = torch.device("cpu")
        return self

    # -- inference -------------------------------------------------------------------------
    def predict_proba_light(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, 2)`` probabilities of light-cleaned texts (batched by length, no grad)."""
        if self.network is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        sequences = self.encode_light(list(texts))
        if not sequences:
            return np.empty((0, 2))
        dtype = select_precision(self.device, self.config["precision"])
        with torch_compute(self.cpu_threads(), self.config["deterministic"]):
            logits = predict_logits(
                self.serving_network(), sequences, self.tokenizer.pad_token_id, self.device, dtype,
                self.config["training"]["eval_batch_size"],
            )  # fmt: skip
        positive = softmax_positive(logits)
        return np.column_stack([1.0 - positive, positive])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.predict_proba_light(self.preprocessor.light(list(texts)))

    def onnx_signature(self) -> tuple[dict[str, torch.Tensor], dict[str, list[int]]]:
        ids = torch.full((2, 16), int(self.tokenizer.pad_token_id or 0) + 100, dtype=torch.int64)
        mask = torch.ones_like(ids)
        mask[1, 10:] = 0
        dynamic = {"input_ids": [0, 1], "attention_mask": [0, 1]}
        return {"input_ids": ids, "attention_mask": mask}, dynamic

    def ort_network(self, model: bytes) -> OrtNetwork:
        names = ["input_ids", "attention_mask"]
        return OrtNetwork(model, names, self.config["cpu_threads"], True, self.network.config)

    def predict_proba_prepared(
        self, frame: pd.DataFrame, cache: dict[str, Any] | None = None
    ) -> np.ndarray:
        """Use the preprocess ``text_light`` column when present (tested equal to raw text)."""
        if "text_light" not in frame:
            return self.predict_proba(list(frame["text"]))
        return self.predict_proba_light(list(frame["text_light"]))

    def to(self, device: str | torch.device) -> BertTextModel:
        """Move inference to ``device`` (``auto`` | ``cpu`` | ``cuda``), TF32 on for CUDA."""
        super().to(device)
        enable_tf32(self.device)
        return self

    # -- persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        if self.network is None or self.card is None:
            raise RuntimeError(f"{self.model_id}: fit before save")
        directory = Path(directory)
        config = {"model_id": self.model_id, "seed": self.seed, **self.config}
        with atomic_directory(directory) as tmp:
            (tmp / PREPROCESS_FILE).write_text(json.dumps(self.preprocess_config, indent=2))
            (tmp / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True))
            self.network.save_pretrained(tmp / TRANSFORMER_DIR, safe_serialization=True)
            self.tokenizer.save_pretrained(tmp / TRANSFORMER_DIR)
            write_onnx(tmp, self.card.extra.get("runtime"), self.onnx_model)
            _write_card(tmp, self.card)
        return directory

    @classmethod
    def load(cls, directory: str | Path, device: str = "cpu") -> BertTextModel:
        """Load a folder written by :meth:`save` (JSON, tokenizer files and safetensors only)."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        directory = Path(directory)
        card, config, model_id, seed = cls.read_saved(directory, INTERFACE)
        model = cls(
            preprocess_config=json.loads((directory / PREPROCESS_FILE).read_text()),
            config=config,
            model_id=model_id,
            seed=seed,
        )
        folder = directory / TRANSFORMER_DIR
        model.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model.network = AutoModelForSequenceClassification.from_pretrained(
            folder, local_files_only=True, use_safetensors=True, trust_remote_code=False
        )
        model.network.eval()
        model.card = card
        runtime = card.extra.get("runtime")
        model.use_runtime(runtime, read_onnx(directory, runtime))
        return model.to(device)
