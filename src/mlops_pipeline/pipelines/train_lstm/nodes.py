"""Nodes of ``train_lstm``: vocabulary, training with early stopping, val scores, reports.

Only the ``fit`` and ``val`` folds are read (the vocabulary folds are configurable but never
``test``); the model is trained on ``fit`` with early stopping on ``val`` and is not refit on
fit + val (DESIGN.md allows this for deep models; the card says so).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from mlops_pipeline.models.lstm import LSTMTextModel, Vocabulary
from mlops_pipeline.models.onnx_runtime import resolve_onnx_options, select_runtime
from mlops_pipeline.models.sequence_model import val_metrics
from mlops_pipeline.text import TextPreprocessor

logger = logging.getLogger(__name__)

#: Keys of ``train_lstm`` that shape the pipeline, not the model.
PIPELINE_KEYS = ("model_id", "embedding_init", "onnx")
CURVE_COLUMNS = ["epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy"]


def model_config(params: dict[str, Any]) -> dict[str, Any]:
    """The ``train_lstm`` parameters :class:`LSTMTextModel` reads (pipeline keys removed)."""
    config = {k: v for k, v in params.items() if k not in PIPELINE_KEYS}
    config["vocabulary"] = {k: v for k, v in params["vocabulary"].items() if k != "folds"}
    return config


def fold_rows(reviews: pd.DataFrame, fold: str) -> pd.DataFrame:
    """Labelled rows of one fold in ``review_id`` order."""
    part = reviews[reviews["fold"] == fold]
    return part.sort_values("review_id", kind="stable").reset_index(drop=True)


def build_vocabulary(reviews: pd.DataFrame, params: dict[str, Any]) -> Vocabulary:
    """Vocabulary of the ``vocabulary.folds`` tokens (default fit + val; ``test`` refused)."""
    folds = list(params["vocabulary"]["folds"])
    if "test" in folds:
        raise ValueError("train_lstm.vocabulary.folds must not include 'test'")
    model = LSTMTextModel({}, model_config(params))
    documents = reviews.loc[reviews["fold"].isin(folds), "tokens"]
    vocab = model.build_vocabulary([list(t) for t in documents])
    logger.info("train_lstm: vocabulary of %d entries from folds %s", len(vocab), folds)
    return vocab


def train_model(
    reviews: pd.DataFrame,
    vocab: Vocabulary,
    word2vec: Any,
    preprocess_text: dict[str, Any],
    params: dict[str, Any],
    seed: int,
) -> tuple[LSTMTextModel, dict[str, Any]]:
    """Train on ``fit`` with early stopping on ``val``; returns the model and its history."""
    fit, val = fold_rows(reviews, "fit"), fold_rows(reviews, "val")
    model = LSTMTextModel(
        TextPreprocessor(preprocess_text).to_config(),
        model_config(params),
        model_id=params["model_id"],
        seed=seed,
    )
    vectors = word2vec if params["embedding_init"] == "word2vec" else None
    model.fit_tokens(
        [list(t) for t in fit["tokens"]],
        fit["label"].astype(int).to_numpy(),
        [list(t) for t in val["tokens"]],
        val["label"].astype(int).to_numpy(),
        vocab,
        vectors,
    )
    extra = model.card.extra
    history = {k: extra[k] for k in ("history", "best_epoch", "epochs_run", "vocab_size")}
    return model, {**history, "train_rows": model.card.train_rows}


def export_runtime(
    model: LSTMTextModel, reviews: pd.DataFrame, params: dict[str, Any]
) -> LSTMTextModel:
    """Export to ONNX (fp32, int8) and choose on ``val`` which runtime serves (card
    ``extra.runtime``: accuracy and max |delta p| against torch per runtime, opset)."""
    val = fold_rows(reviews, "val")
    options = resolve_onnx_options(params.get("onnx"), "train_lstm")
    labels = val["label"].astype(int).to_numpy()
    record, _ = select_runtime(
        model, lambda: model.predict_proba_prepared(val)[:, 1], labels, options
    )
    logger.info("train_lstm: %s serves with %s (%s)", model.model_id, record["serve"], record)
    return model


def score_validation(
    model: LSTMTextModel, reviews: pd.DataFrame
) -> tuple[dict[str, LSTMTextModel], pd.DataFrame]:
    """Score ``val`` with the trained model: card ``val_metrics`` and the predictions table."""
    val = fold_rows(reviews, "val")
    proba = model.predict_proba_prepared(val)[:, 1]
    metrics = model.record_val_metrics(val["label"].astype(int).to_numpy(), proba)
    logger.info("train_lstm: %s val %s", model.model_id, metrics)
    predictions = pd.DataFrame(
        {"review_id": val["review_id"], "model_id": model.model_id, "proba": proba}
    )
    return {model.model_id: model}, predictions


def training_metrics(
    predictions: pd.DataFrame, reviews: pd.DataFrame, history: dict[str, Any]
) -> dict[str, Any]:
    """Headline numbers for ``metrics.json`` (no wall times: DESIGN.md determinism)."""
    labels = reviews.set_index("review_id").loc[predictions["review_id"], "label"].astype(int)
    scores = val_metrics(labels.to_numpy(), predictions["proba"].to_numpy())
    return {
        "val_accuracy": scores["accuracy"],
        "val_roc_auc": scores["roc_auc"],
        "val_rows": scores["rows"],
        "train_rows": int(history["train_rows"]),
        "vocab_size": int(history["vocab_size"]),
        "best_epoch": int(history["best_epoch"]),
        "epochs_run": int(history["epochs_run"]),
    }


def learning_curve(history: dict[str, Any]) -> pd.DataFrame:
    """Loss and accuracy per epoch, train and val (DVC plot data)."""
    return pd.DataFrame(history["history"]).reindex(columns=CURVE_COLUMNS)


def plot_learning_curve(curve: pd.DataFrame) -> Figure:
    """Two panels: loss and accuracy per epoch, train and val."""
    fig = Figure(figsize=(9, 3.5))
    axes = fig.subplots(1, 2)
    for ax, metric in zip(axes, ("loss", "accuracy"), strict=True):
        for split, style in (("train", "o-"), ("val", "s--")):
            ax.plot(curve["epoch"], curve[f"{split}_{metric}"], style, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("train_lstm learning curve")
    fig.tight_layout()
    return fig
