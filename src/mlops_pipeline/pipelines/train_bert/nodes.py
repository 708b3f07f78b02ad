"""Nodes of ``train_bert``: fixed subsets of ``fit``/``val``, fine-tuning, val scores, reports.

Only the ``fit`` and ``val`` folds are read. On CPU the model trains on a fixed, seeded,
label-stratified subset of ``fit`` and is validated on a fixed subset of ``val`` (sizes in
parameters, fixed before any test number was seen); ``null`` sizes take the whole fold (GPU).
The model is not refit on fit + val (DESIGN.md allows it for deep models; the card says so).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from mlops_pipeline.evaluation.subset import stratified_subset
from mlops_pipeline.models.bert import BertTextModel
from mlops_pipeline.models.onnx_runtime import resolve_onnx_options, select_runtime
from mlops_pipeline.models.sequence_model import val_metrics
from mlops_pipeline.text import TextPreprocessor

logger = logging.getLogger(__name__)

#: Keys of ``train_bert`` that shape the pipeline, not the model.
PIPELINE_KEYS = ("model_id", "subset", "onnx")
CURVE_COLUMNS = ["epoch", "train_loss", "val_loss", "val_accuracy"]  # samples/s: run_info.json
ROW_COLUMNS = ["review_id", "label", "text_light"]


def model_config(params: dict[str, Any]) -> dict[str, Any]:
    """The ``train_bert`` parameters :class:`BertTextModel` reads (pipeline keys removed)."""
    return {k: v for k, v in params.items() if k not in PIPELINE_KEYS}


def select_rows(
    reviews: pd.DataFrame, params: dict[str, Any], seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixed training subset of ``fit`` and validation subset of ``val`` (seeded, stratified)."""
    out = []
    for fold, size in (
        ("fit", params["subset"]["fit_rows"]),
        ("val", params["subset"]["val_rows"]),
    ):
        part = reviews.loc[reviews["fold"] == fold, ROW_COLUMNS]
        chosen = stratified_subset(part, size, seed)
        chosen["label"] = chosen["label"].astype(int)
        logger.info(
            "train_bert: %d of %d %s reviews (%.1f %% positive)",
            len(chosen), len(part), fold, 100 * chosen["label"].mean() if len(chosen) else 0,
        )  # fmt: skip
        out.append(chosen)
    return out[0], out[1]


def train_model(
    fit_rows: pd.DataFrame,
    val_rows: pd.DataFrame,
    preprocess_text: dict[str, Any],
    params: dict[str, Any],
    seed: int,
) -> tuple[BertTextModel, dict[str, Any]]:
    """Fine-tune on the ``fit`` rows, val accuracy each epoch; the model and its history."""
    model = BertTextModel(
        TextPreprocessor(preprocess_text).to_config(),
        model_config(params),
        model_id=params["model_id"],
        seed=seed,
    )
    model.fit_light(
        fit_rows["text_light"].tolist(),
        fit_rows["label"].to_numpy(),
        val_rows["text_light"].tolist(),
        val_rows["label"].to_numpy(),
    )
    extra = model.card.extra
    history = {k: extra[k] for k in ("history", "best_epoch", "epochs_run")}
    return model, {**history, "train_rows": model.card.train_rows}


def export_runtime(
    model: BertTextModel, val_rows: pd.DataFrame, params: dict[str, Any]
) -> BertTextModel:
    """Export to ONNX (fp32, int8) and choose on the ``val`` rows which runtime serves (card
    ``extra.runtime``); the served runtime's val probabilities become ``model.val_proba``."""
    options = resolve_onnx_options(params.get("onnx"), "train_bert")
    kept = model.val_proba  # torch's val probabilities of the kept epoch (same rows)
    record, probas = select_runtime(
        model,
        lambda: model.predict_proba_prepared(val_rows)[:, 1],
        val_rows["label"].astype(int).to_numpy(),
        options,
        torch_proba=kept if kept is not None and len(kept) == len(val_rows) else None,
    )
    model.val_proba = probas.get(record["serve"], model.val_proba)
    logger.info("train_bert: %s serves with %s (%s)", model.model_id, record["serve"], record)
    return model


def score_validation(
    model: BertTextModel, val_rows: pd.DataFrame
) -> tuple[dict[str, BertTextModel], pd.DataFrame]:
    """Score the ``val`` rows: card ``val_metrics`` (``rows`` = the subset) and predictions.

    The kept epoch's val probabilities from training are reused (the same function on the same
    rows; a test proves they equal a fresh prediction), so val is not scored twice.
    """
    proba = model.val_proba
    if proba is None or len(proba) != len(val_rows):
        proba = model.predict_proba_prepared(val_rows)[:, 1]
    metrics = model.record_val_metrics(val_rows["label"].to_numpy(), proba)
    logger.info("train_bert: %s val %s", model.model_id, metrics)
    predictions = pd.DataFrame(
        {"review_id": val_rows["review_id"], "model_id": model.model_id, "proba": proba}
    )
    return {model.model_id: model}, predictions


def training_metrics(
    predictions: pd.DataFrame, val_rows: pd.DataFrame, history: dict[str, Any]
) -> dict[str, Any]:
    """Headline numbers for ``metrics.json`` (no wall times: DESIGN.md determinism)."""
    labels = val_rows.set_index("review_id").loc[predictions["review_id"], "label"]
    scores = val_metrics(labels.to_numpy(), predictions["proba"].to_numpy())
    return {
        "val_accuracy": scores["accuracy"],
        "val_roc_auc": scores["roc_auc"],
        "val_rows": scores["rows"],
        "train_rows": int(history["train_rows"]),
        "best_epoch": int(history["best_epoch"]),
        "epochs_run": int(history["epochs_run"]),
    }


def learning_curve(history: dict[str, Any]) -> pd.DataFrame:
    """Train loss, val loss/accuracy and samples/s per epoch (DVC plot data; samples/s is a
    wall-clock figure, so the file is a plot, never a metric)."""
    return pd.DataFrame(history["history"]).reindex(columns=CURVE_COLUMNS)
