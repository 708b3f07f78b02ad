""":class:`LSTMTextModel`: project preprocessing + vocabulary + :class:`RecurrentClassifier`.

Folder layout written by :meth:`LSTMTextModel.save` (nothing is unpickled when loading)::

    model_card.json       the card (DESIGN.md "Model interface"), with ``val_metrics``
    preprocess.json       TextPreprocessor.to_config()
    vocab.json            the vocabulary (index -> token)
    config.json           architecture, encoding and training settings, seed
    weights.safetensors   the network's state_dict
    onnx/model[.int8].onnx  the ONNX graph when the card's ``extra.runtime`` serves ONNX
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from safetensors.torch import load_file, save_file

from mlops_pipeline.atomic_io import atomic_directory
from mlops_pipeline.models.base import ModelCard, hash_arrays, hash_params
from mlops_pipeline.models.base import write_card as _write_card
from mlops_pipeline.models.onnx_runtime import OrtNetwork, read_onnx, write_onnx
from mlops_pipeline.models.sequence_model import CONFIG_FILE, SequenceTextModel, resolve_options
from mlops_pipeline.torch_runtime import (
    autocast_dtype,
    seed_everything,
    select_device,
    torch_compute,
)

from .network import RecurrentClassifier, architecture, embedding_matrix
from .training import predict_logits, train_network, training_settings
from .vocab import Vocabulary, encode_documents

INTERFACE = "mlops_pipeline.models.lstm.model:LSTMTextModel"
PREPROCESS_FILE = "preprocess.json"
VOCAB_FILE = "vocab.json"
WEIGHTS_FILE = "weights.safetensors"

#: Keys of ``train_lstm`` the model reads (parameters_train_lstm.yml documents each).
DEFAULT_CONFIG: dict[str, Any] = {
    "device": "auto",
    "deterministic": True,
    "precision": "auto",
    "cpu_threads": 2,
    "show_progress": True,
    "vocabulary": {"min_count": 2, "max_size": 50000},
    "encoding": {"max_length": 512, "truncation": "head_tail", "head": 0.25},
    "network": {},
    "training": {},
}


def resolve_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with ``config``; ``network``/``training`` fully resolved."""
    resolved = resolve_options(DEFAULT_CONFIG, config, "train_lstm", ("vocabulary", "encoding"))
    resolved["network"] = architecture(resolved["network"] or {})
    resolved["training"] = training_settings(resolved["training"])
    return resolved


class LSTMTextModel(SequenceTextModel):
    """A (Bi)LSTM/GRU sentiment classifier over the project's tokens.

    Args:
        preprocess_config: ``TextPreprocessor.to_config()`` (raw text -> tokens).
        config: the ``train_lstm`` options (see :data:`DEFAULT_CONFIG`).
        model_id: folder name under ``data/06_models/train_lstm/``.
        seed: seeds the initialisation, batch order and dropout.
    """

    family = "lstm"

    def __init__(
        self,
        preprocess_config: Mapping[str, Any],
        config: Mapping[str, Any] | None = None,
        model_id: str = "lstm",
        seed: int = 0,
    ) -> None:
        self.preprocess_config = dict(preprocess_config)
        self.config = resolve_config(config)
        self.seed = int(seed)
        self._model_id = model_id
        self.vocab: Vocabulary | None = None
        self.network: RecurrentClassifier | None = None
        self.device = torch.device("cpu")
        self.card = None

    def build_vocabulary(self, documents: Sequence[Sequence[str]]) -> Vocabulary:
        """Vocabulary of ``documents`` (training folds only) with the configured limits."""
        cfg = self.config["vocabulary"]
        return Vocabulary.build(documents, cfg["min_count"], cfg["max_size"])

    def encode(self, tokens: Sequence[Sequence[str]]) -> list[np.ndarray]:
        if self.vocab is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        enc = self.config["encoding"]
        return encode_documents(
            self.vocab, tokens, enc["max_length"], enc["truncation"], enc["head"]
        )

    # -- training --------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[int],
        val_texts: Sequence[str] | None = None,
        val_labels: Sequence[int] | None = None,
        word2vec: Any = None,
    ) -> LSTMTextModel:
        """Raw-text training (vocabulary from ``texts`` + ``val_texts``); see :meth:`fit_tokens`."""
        tokens = self.preprocessor.tokens(list(texts))
        val_tokens = self.preprocessor.tokens(list(val_texts)) if val_texts is not None else None
        vocab = self.build_vocabulary(tokens + (val_tokens or []))
        return self.fit_tokens(tokens, labels, val_tokens, val_labels, vocab, word2vec)

    def fit_tokens(
        self,
        tokens: Sequence[Sequence[str]],
        labels: Sequence[int],
        val_tokens: Sequence[Sequence[str]] | None,
        val_labels: Sequence[int] | None,
        vocab: Vocabulary,
        word2vec: Any = None,
    ) -> LSTMTextModel:
        """Train on ``fit`` token lists; early stopping on ``val`` when given (no refit).

        ``word2vec``: a gensim ``Word2Vec``/``KeyedVectors`` whose vectors initialise the
        embedding (``None``: random initialisation).
        """
        cfg = self.config
        seed_everything(self.seed)
        self.vocab = vocab
        self.device = select_device(cfg["device"], parameter="train_lstm.device")
        amp = autocast_dtype(self.device, cfg["precision"])
        vectors = getattr(word2vec, "wv", word2vec)
        if cfg["network"]["embedding_dim"] is None:  # null: the Word2Vec vector size
            cfg["network"]["embedding_dim"] = vectors.vector_size if vectors is not None else 100
        matrix, coverage = (None, 0.0)
        if vectors is not None:
            matrix, coverage = embedding_matrix(
                vocab.itos, vectors, cfg["network"]["embedding_dim"], self.seed
            )
        self.network = RecurrentClassifier(len(vocab), pretrained=matrix, **cfg["network"])
        fit = (self.encode(tokens), np.asarray(labels, dtype=np.float32))
        val = None
        if val_tokens is not None and val_labels is not None:
            val = (self.encode(val_tokens), np.asarray(val_labels, dtype=np.float32))
        start = time.perf_counter()
        with torch_compute(self.cpu_threads(), cfg["deterministic"]):
            result = train_network(
                self.network, fit, val, cfg["training"], self.device, amp, self.seed,
                cfg["show_progress"],
            )  # fmt: skip
        seconds = time.perf_counter() - start
        self.card = ModelCard(
            model_id=self.model_id,
            family=self.family,
            features="tokens+word2vec" if vectors is not None else "tokens",
            params=cfg,
            train_rows=len(fit[0]),
            train_seconds=round(seconds, 3),
            device=self.device.type,
            data_hash=hash_arrays(["\x1f".join(t) for t in tokens], np.asarray(labels)),
            params_hash=hash_params({"config": cfg, "preprocess": self.preprocess_config}),
            interface=INTERFACE,
            extra={
                "seed": self.seed,
                "precision": str(amp).replace("torch.", "") if amp else "fp32",
                "cpu_threads": cfg["cpu_threads"],
                "vocab_size": len(vocab),
                "word2vec_coverage": round(coverage, 5),
                "refit_on_fit_val": False,
                "refit_note": "deep model: trained on fit only, early stopping on val "
                "(DESIGN.md 'Validation scores and predictions')",
                **result,
            },
        )
        self.network.to("cpu")
        self.device = torch.device("cpu")
        return self

    # -- inference -------------------------------------------------------------------------
    def predict_proba_tokens(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """``(n, 2)`` probabilities from token lists (batched, sorted by length, no grad)."""
        if self.network is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        sequences = self.encode(tokens)
        if not sequences:
            return np.empty((0, 2))
        amp = autocast_dtype(self.device, self.config["precision"])
        with torch_compute(self.cpu_threads(), self.config["deterministic"]):
            logits = predict_logits(
                self.serving_network(), sequences, self.device, amp,
                self.config["training"]["eval_batch_size"],
            )  # fmt: skip
        positive = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
        return np.column_stack([1.0 - positive, positive])

    def onnx_signature(self) -> tuple[dict[str, torch.Tensor], dict[str, list[int]]]:
        ids = torch.full((2, 8), 2, dtype=torch.int64)
        return {"ids": ids, "lengths": torch.tensor([8, 5])}, {"ids": [0, 1], "lengths": [0]}

    def ort_network(self, model: bytes) -> OrtNetwork:
        return OrtNetwork(model, ["ids", "lengths"], self.config["cpu_threads"])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.predict_proba_tokens(self.preprocessor.tokens(list(texts)))

    def predict_proba_prepared(
        self, frame: pd.DataFrame, cache: dict[str, Any] | None = None
    ) -> np.ndarray:
        """Use the preprocess ``tokens`` column when present (a test proves it equals raw text)."""
        if "tokens" not in frame:
            return self.predict_proba(list(frame["text"]))
        return self.predict_proba_tokens([list(t) for t in frame["tokens"]])

    # -- persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        if self.network is None or self.vocab is None or self.card is None:
            raise RuntimeError(f"{self.model_id}: fit before save")
        directory = Path(directory)
        state = {k: v.detach().cpu().contiguous() for k, v in self.network.state_dict().items()}
        config = {"model_id": self.model_id, "seed": self.seed, **self.config}
        config["network"] = dict(self.network.config)
        with atomic_directory(directory) as tmp:
            (tmp / PREPROCESS_FILE).write_text(json.dumps(self.preprocess_config, indent=2))
            (tmp / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True))
            self.vocab.save(tmp / VOCAB_FILE)
            save_file(state, str(tmp / WEIGHTS_FILE))
            write_onnx(tmp, self.card.extra.get("runtime"), self.onnx_model)
            _write_card(tmp, self.card)
        return directory

    @classmethod
    def load(cls, directory: str | Path, device: str = "cpu") -> LSTMTextModel:
        """Load a folder written by :meth:`save` (JSON + safetensors; no pickle)."""
        directory = Path(directory)
        card, config, model_id, seed = cls.read_saved(directory, INTERFACE)
        network_config = dict(config.pop("network"))
        vocab_size = int(network_config.pop("vocab_size"))
        model = cls(
            preprocess_config=json.loads((directory / PREPROCESS_FILE).read_text()),
            config={**config, "network": network_config},
            model_id=model_id,
            seed=seed,
        )
        model.vocab = Vocabulary.load(directory / VOCAB_FILE)
        if len(model.vocab) != vocab_size:
            raise ValueError(
                f"{directory}: vocabulary has {len(model.vocab)} rows, expected {vocab_size}"
            )
        model.network = RecurrentClassifier(vocab_size, **model.config["network"])
        model.network.load_state_dict(load_file(str(directory / WEIGHTS_FILE), device="cpu"))
        model.network.eval()
        model.card = card
        runtime = card.extra.get("runtime")
        model.use_runtime(runtime, read_onnx(directory, runtime))
        return model.to(device)
