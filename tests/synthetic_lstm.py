"""Tiny separable token data and a fitted LSTM model for the LSTM tests (models, pipeline)."""

from __future__ import annotations

import numpy as np

from mlops_pipeline.models.lstm import LSTMTextModel

POSITIVE = ["great", "excellent", "wonderful", "superb"]
NEGATIVE = ["awful", "boring", "terrible", "dull"]
FILLER = [f"w{i}" for i in range(30)]
# Fast preprocessor (no lemma table) for raw-text checks.
PREPROCESS = {"lemmatizer": "none"}

TINY = {
    "device": "cpu",
    "cpu_threads": 1,
    "show_progress": False,
    "vocabulary": {"min_count": 1, "max_size": 1000},
    "encoding": {"max_length": 24, "truncation": "head_tail", "head": 0.5},
    "network": {"embedding_dim": 8, "hidden_size": 8, "dropout": 0.0, "embedding_dropout": 0.0},
    "training": {
        "epochs": 10,
        "batch_size": 16,
        "learning_rate": 0.05,
        "schedule": "constant",
        "weight_decay": 0.0,
        "patience": 10,
        "bucket_batches": 4,
    },
}


def token_data(n: int, seed: int = 0) -> tuple[list[list[str]], np.ndarray]:
    """Random filler with one sentiment word at a random place; label = its side."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 2).astype(int)
    docs = []
    for label in labels:
        tokens = list(rng.choice(FILLER, int(rng.integers(4, 30))))
        word = rng.choice(POSITIVE if label else NEGATIVE)
        tokens.insert(int(rng.integers(0, len(tokens) + 1)), str(word))
        docs.append([str(t) for t in tokens])
    return docs, labels


def config(**training) -> dict:
    cfg = {k: (dict(v) if isinstance(v, dict) else v) for k, v in TINY.items()}
    cfg["training"] = {**cfg["training"], **training}
    return cfg


def fitted_model(seed: int = 0, **training) -> LSTMTextModel:
    fit_docs, fit_y = token_data(240, seed)
    val_docs, val_y = token_data(80, seed + 1)
    model = LSTMTextModel(PREPROCESS, config(**training), model_id="lstm_test", seed=seed)
    vocab = model.build_vocabulary(fit_docs + val_docs)
    return model.fit_tokens(fit_docs, fit_y, val_docs, val_y, vocab)
