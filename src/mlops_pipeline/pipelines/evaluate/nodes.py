"""Nodes of ``evaluate``.

Every model folder under ``evaluate.models_root`` that follows the model interface (a
``model_card.json`` naming an allow-listed class) is loaded and scored ONCE on the ``test``
fold. Probabilities come from ``predict_proba_prepared`` (classical models reuse the
preprocess tokens; a test proves this equals the raw-text path); latency and throughput are
always measured from raw text.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from mlops_pipeline.evaluation import (
    build_leaderboard,
    classification_metrics,
    confusion_rows,
    latency_ms,
    pr_points,
    roc_points,
    throughput,
    to_markdown,
)
from mlops_pipeline.evaluation.plots import confusion_figure, curve_figure
from mlops_pipeline.models import discover_models, load_model

logger = logging.getLogger(__name__)


def prepare_test_rows(reviews: pd.DataFrame, preprocessed: pd.DataFrame) -> pd.DataFrame:
    """Test-fold rows: ``review_id, label, text`` (raw) plus ``text_light, tokens``."""
    raw = reviews.loc[reviews["fold"] == "test", ["review_id", "label", "text"]]
    cols = [c for c in ("review_id", "text_light", "tokens") if c in preprocessed.columns]
    prepared = preprocessed.loc[preprocessed["fold"] == "test", cols]
    rows = raw.merge(prepared, on="review_id", how="left", validate="one_to_one")
    if "tokens" in rows and rows["tokens"].isna().any():
        raise ValueError("evaluate: some test reviews have no preprocess tokens")
    rows["label"] = rows["label"].astype(int)
    logger.info("evaluate: %d test reviews", len(rows))
    return rows.sort_values("review_id", kind="stable").reset_index(drop=True)


def speed_sample(texts: pd.Series, n: int, seed: int) -> list[str]:
    n = min(int(n), len(texts))
    idx = np.random.default_rng(seed).choice(len(texts), size=n, replace=False)
    return texts.iloc[np.sort(idx)].tolist()


def score_models(
    test_rows: pd.DataFrame, params: dict[str, Any], seed: int, *training_indexes: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Score every discovered model on ``test_rows``.

    ``training_indexes`` (``{model_id: folder}`` of each training pipeline) only order this
    node after training; the models scored are those found under ``params["models_root"]``.

    Returns predictions (``review_id, model_id, proba``), ``metrics.json``, ``timings.json`` and
    the details the reports need (cards, curves, confusion rows, top features).
    """
    folders = discover_models(params["models_root"])
    indexed = sum(len(index) for index in training_indexes)
    logger.info(
        "evaluate: %d model folders found (%d from training indexes)", len(folders), indexed
    )
    y = test_rows["label"].to_numpy()
    latency_texts = speed_sample(test_rows["text"], params["latency_reviews"], seed)
    throughput_texts = speed_sample(test_rows["text"], params["throughput_reviews"], seed + 1)
    cache: dict[str, Any] = {}
    predictions, metrics, timings = [], {}, {}
    details: dict[str, Any] = {"cards": {}, "roc": [], "pr": [], "confusion": [], "top": {}}
    for folder in tqdm(folders, desc="evaluate", unit="model"):
        model = load_model(folder)
        card = model.card.to_dict()
        model_id = card["model_id"]
        if model_id in metrics:
            raise ValueError(f"evaluate: two model folders share model_id {model_id!r}")
        start = time.perf_counter()
        proba = model.predict_proba_prepared(test_rows, cache=cache)[:, 1]
        score_seconds = time.perf_counter() - start
        m = classification_metrics(y, proba)
        m.update(train_rows=int(card["train_rows"]), size_bytes=int(card["size_bytes"]))
        metrics[model_id] = m
        timings[model_id] = {
            "train_seconds": card["train_seconds"],
            "test_score_seconds": round(score_seconds, 3),
            **latency_ms(model, latency_texts),
            **throughput(model, throughput_texts),
        }
        predictions.append(
            pd.DataFrame(
                {"review_id": test_rows["review_id"], "model_id": model_id, "proba": proba}
            )
        )
        details["cards"][model_id] = {**card, "folder": str(folder)}
        details["roc"].append(roc_points(model_id, y, proba, params["curve_points"]))
        details["pr"].append(pr_points(model_id, y, proba, params["curve_points"]))
        details["confusion"].extend(confusion_rows(model_id, m))
        top = model.top_features(params["top_features"])
        if top is not None:
            details["top"][model_id] = top
        logger.info(
            "evaluate %s: test accuracy %.4f, AUC %.4f, latency %.2f ms, %.0f reviews/s",
            model_id,
            m["accuracy"],
            m["roc_auc"] or float("nan"),
            timings[model_id]["latency_ms_median"],
            timings[model_id]["throughput_reviews_per_s"],
        )
    if not folders:
        logger.warning("evaluate: no model folder under %s", params["models_root"])
    columns = ["review_id", "model_id", "proba"]
    frame = (
        pd.concat(predictions, ignore_index=True) if predictions else pd.DataFrame(columns=columns)
    )
    return frame, dict(sorted(metrics.items())), dict(sorted(timings.items())), details


def build_reports(
    metrics: dict[str, Any], timings: dict[str, Any], details: dict[str, Any]
) -> tuple[list, list, list, pd.DataFrame, str, dict[str, Any], dict[str, Any]]:
    """DVC plot data (ROC, PR, confusion), the leaderboard (CSV + Markdown), top features, PNGs."""
    board = build_leaderboard(metrics, timings, details["cards"])
    order = board["model_id"].tolist()
    roc = (
        pd.concat(details["roc"], ignore_index=True)
        if details["roc"]
        else pd.DataFrame(columns=["model_id", "fpr", "tpr"])
    )
    pr = (
        pd.concat(details["pr"], ignore_index=True)
        if details["pr"]
        else pd.DataFrame(columns=["model_id", "recall", "precision"])
    )
    confusion = pd.DataFrame(
        details["confusion"], columns=["model_id", "actual", "predicted", "count"]
    )
    figures = {}
    if order:
        figures = {
            "roc.png": curve_figure(roc, "fpr", "tpr", "ROC (test)", order),
            "precision_recall.png": curve_figure(
                pr, "recall", "precision", "Precision-recall (test)", order
            ),
            "confusion.png": confusion_figure(confusion, order),
        }
    for model_id, top in details["top"].items():
        logger.info(
            "evaluate %s top features: + %s | - %s",
            model_id,
            ", ".join(f["feature"] for f in top["positive"][:5]),
            ", ".join(f["feature"] for f in top["negative"][:5]),
        )
    return (
        roc.to_dict("records"),
        pr.to_dict("records"),
        confusion.to_dict("records"),
        board,
        to_markdown(board),
        dict(sorted(details["top"].items())),
        figures,
    )
