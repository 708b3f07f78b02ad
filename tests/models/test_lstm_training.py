"""LSTM training: learns a separable signal, clips gradients, stops early, is deterministic."""

from __future__ import annotations

import numpy as np
import torch
from synthetic_lstm import config, fitted_model, token_data

from mlops_pipeline.models.lstm import LSTMTextModel, RecurrentClassifier
from mlops_pipeline.models.lstm.training import make_optimizer, train_step


def test_learns_a_separable_signal_well_above_chance() -> None:
    model = fitted_model(seed=0)
    docs, labels = token_data(200, seed=7)
    accuracy = np.mean((model.predict_proba_tokens(docs)[:, 1] >= 0.5) == labels)
    assert accuracy >= 0.9, accuracy  # chance is 0.5
    history = model.card.extra["history"]
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert set(history[0]) == {"epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy"}


def test_gradient_norm_after_clipping_is_at_most_max_norm() -> None:
    torch.manual_seed(0)
    net = RecurrentClassifier(40, embedding_dim=8, hidden_size=8, dropout=0.0)
    optimizer = make_optimizer(net, {"learning_rate": 1.0, "weight_decay": 0.0,
                                     "embedding_lr_scale": 1.0})  # fmt: skip
    seen: list[float] = []
    original_step = optimizer.step

    def spy_step(*args, **kwargs):
        grads = [p.grad for g in optimizer.param_groups for p in g["params"] if p.grad is not None]
        seen.append(float(torch.linalg.vector_norm(torch.stack([g.norm() for g in grads]))))
        return original_step(*args, **kwargs)

    optimizer.step = spy_step
    scaler = torch.amp.GradScaler("cpu", enabled=False)
    ids = torch.randint(2, 40, (8, 12))
    lengths = torch.full((8,), 12)
    labels = torch.tensor([0.0, 1.0] * 4)
    for _ in range(3):  # a huge label scale is not possible with BCE; a tiny max_norm is
        train_step(net, ids, lengths, labels, optimizer, scaler, 1e-3, torch.device("cpu"))
    assert len(seen) == 3 and max(seen) <= 1e-3 * (1 + 1e-4)


def test_early_stopping_stops_when_val_stops_improving() -> None:
    fit_docs, fit_y = token_data(64, seed=0)
    val_docs, val_y = token_data(32, seed=1)
    rng = np.random.default_rng(0)
    val_y = rng.integers(0, 2, len(val_y))  # val labels are noise: no lasting improvement
    model = LSTMTextModel({}, config(epochs=30, patience=2), seed=0)
    vocab = model.build_vocabulary(fit_docs + val_docs)
    model.fit_tokens(fit_docs, fit_y, val_docs, val_y, vocab)
    extra = model.card.extra
    assert extra["epochs_run"] < 30
    assert extra["epochs_run"] == extra["best_epoch"] + 2
    accuracies = [row["val_accuracy"] for row in extra["history"]]
    assert accuracies[extra["best_epoch"] - 1] == max(accuracies)
    # the best state is the one kept: scoring val again gives the best epoch's accuracy
    proba = model.predict_proba_tokens(val_docs)[:, 1]
    assert np.mean((proba >= 0.5) == val_y) == max(accuracies)


def test_same_parameters_give_the_same_metrics() -> None:
    first, second = fitted_model(seed=3, epochs=2), fitted_model(seed=3, epochs=2)
    assert first.card.extra["history"] == second.card.extra["history"]
    docs, _ = token_data(20, seed=9)
    np.testing.assert_array_equal(
        first.predict_proba_tokens(docs), second.predict_proba_tokens(docs)
    )
