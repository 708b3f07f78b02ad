"""Nodes of ``evaluate``: every trained model scored ONCE on the ``test`` fold.

Models arrive through the catalog: each training pipeline's ``<pipeline>_models`` entry loads
as ``{model_id: ModelHandle}`` (lazy), and the nodes below take them as ``*model_sets``.
Probabilities come from ``predict_proba_prepared`` (classical models reuse the preprocess
tokens; a test proves this equals the raw-text path); latency and throughput are always
measured from raw text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
    throughput_batch_size,
)
from mlops_pipeline.evaluation.plots import confusion_figure, curve_figure
from mlops_pipeline.evaluation.short_texts import short_review_rows
from mlops_pipeline.evaluation.subset import stratified_subset
from mlops_pipeline.models.discovery import ModelHandle

logger = logging.getLogger(__name__)

HEADLINE_KEYS = ("accuracy", "f1", "roc_auc")
#: Card ``extra.test_scoring`` of a model scored on the fixed test subset only (BERT on CPU).
SUBSET_SCORING = "subset"


def merge_model_sets(*model_sets: Mapping[str, ModelHandle]) -> dict[str, ModelHandle]:
    """One ``{model_id: handle}`` over every training pipeline; a model id may appear once."""
    merged: dict[str, ModelHandle] = {}
    for handles in model_sets:
        for model_id, handle in handles.items():
            if model_id in merged:
                raise ValueError(
                    f"evaluate: model_id {model_id!r} is produced by two training pipelines "
                    f"({merged[model_id].folder} and {handle.folder}); rename one"
                )
            merged[model_id] = handle
    logger.info("evaluate: %d models from %d training pipelines", len(merged), len(model_sets))
    return dict(sorted(merged.items()))


def prepare_test_rows(reviews: pd.DataFrame, preprocessed: pd.DataFrame) -> pd.DataFrame:
    """Test-fold rows: ``review_id, label, text`` (raw) plus ``text_light, tokens``."""
    raw = reviews.loc[reviews["fold"] == "test", ["review_id", "label", "text"]]
    cols = [c for c in ("review_id", "text_light", "tokens") if c in preprocessed.columns]
    prepared = preprocessed.loc[preprocessed["fold"] == "test", cols]
    rows = raw.merge(prepared, on="review_id", how="left", validate="one_to_one")
    if "tokens" in rows and rows["tokens"].isna().any():
        raise ValueError("evaluate: some test reviews have no preprocess tokens; rerun preprocess")
    rows["label"] = rows["label"].astype(int)
    logger.info("evaluate: %d test reviews", len(rows))
    return rows.sort_values("review_id", kind="stable").reset_index(drop=True)


def select_test_subset(test_rows: pd.DataFrame, params: dict[str, Any], seed: int) -> list[str]:
    """``review_id`` of the fixed test subset: ``test_subset.size`` rows, label-stratified,
    drawn with ``common.seed`` from the test rows alone (never from any model or score)."""
    chosen = stratified_subset(
        test_rows[["review_id", "label"]], params["test_subset"]["size"], seed
    )
    logger.info("evaluate: test subset of %d of %d reviews", len(chosen), len(test_rows))
    return chosen["review_id"].tolist()


def scored_on_subset(card: Any) -> bool:
    """True for a model whose card asks to be scored on the test subset only (BERT on CPU)."""
    return (card.extra or {}).get("test_scoring") == SUBSET_SCORING


def predict_test(
    test_rows: pd.DataFrame,
    models: Mapping[str, ModelHandle],
    subset_ids: list[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Each model's P(positive) on the test rows (``review_id, model_id, proba``) and cards.

    A model whose card says ``test_scoring: subset`` is scored on the ``subset_ids`` rows only
    (full-test transformer inference does not fit the CPU budget); every other model on all.
    """
    subset_rows = test_rows
    if subset_ids is not None:
        subset_rows = test_rows[test_rows["review_id"].isin(set(subset_ids))]
    caches: dict[bool, dict[str, Any]] = {}  # models sharing a representation share its matrix
    frames, cards = [], {}
    for model_id, handle in tqdm(models.items(), desc="evaluate: predict", unit="model"):
        rows = subset_rows if scored_on_subset(handle.card()) else test_rows
        model = handle.load()
        cache = caches.setdefault(rows is test_rows, {})
        proba = model.predict_proba_prepared(rows, cache=cache)[:, 1]
        if len(rows) < len(test_rows):
            logger.info("evaluate %s: scored on the %d-review test subset", model_id, len(rows))
        frames.append(
            pd.DataFrame({"review_id": rows["review_id"], "model_id": model_id, "proba": proba})
        )
        cards[model_id] = model.card.to_dict()
    return pd.concat(frames, ignore_index=True), cards


def prepare_short_rows(test_rows: pd.DataFrame) -> pd.DataFrame:
    """The one-sentence test set: each test review's first sentence with its label (a test
    derivative: reported, never used for a choice; docs/models.md "Short reviews")."""
    short = short_review_rows(test_rows)
    logger.info("evaluate: %d one-sentence reviews, median %d words", len(short),
                short["text"].str.split().str.len().median())  # fmt: skip
    return short


def predict_short(
    short_rows: pd.DataFrame, models: Mapping[str, ModelHandle], subset_ids: list[str] | None
) -> pd.DataFrame:
    """Each model's P(positive) on the one-sentence reviews, from raw text (``predict_proba``);
    subset-scored models (BERT on CPU) on the fixed subset's sentences only."""
    subset = (
        short_rows
        if subset_ids is None
        else short_rows[short_rows["review_id"].isin(set(subset_ids))]
    )
    frames = []
    for model_id, handle in tqdm(models.items(), desc="evaluate: one sentence", unit="model"):
        rows = subset if scored_on_subset(handle.card()) else short_rows
        proba = handle.load().predict_proba(list(rows["text"]))[:, 1]
        frames.append(
            pd.DataFrame({"review_id": rows["review_id"], "model_id": model_id, "proba": proba})
        )
    return pd.concat(frames, ignore_index=True)


def score_short(short_predictions: pd.DataFrame, short_rows: pd.DataFrame) -> dict[str, Any]:
    """``{model_id: {short_accuracy, short_rows}}`` (threshold 0.5, as ``accuracy``)."""
    return {
        model_id: {
            "short_accuracy": round(float(((proba >= 0.5) == y).mean()), 5),
            "short_rows": len(y),
        }
        for model_id, y, proba in _by_model(short_predictions, short_rows)
    }


def _by_model(predictions: pd.DataFrame, test_rows: pd.DataFrame):
    labels = test_rows.set_index("review_id")["label"]
    for model_id, part in predictions.groupby("model_id", sort=True):
        yield model_id, labels.loc[part["review_id"]].to_numpy(), part["proba"].to_numpy()


def score_predictions(
    predictions: pd.DataFrame, test_rows: pd.DataFrame, subset_ids: list[str] | None = None
) -> dict[str, Any]:
    """Every classification metric and the confusion counts per model (``scores.json``).

    ``rows`` is how many test reviews the model was scored on. With ``subset_ids``, every model
    also gets ``subset_accuracy`` / ``subset_rows`` on the same fixed subset, so subset-scored
    models compare with the others on the same reviews.
    """
    subset = set(subset_ids) if subset_ids is not None else None
    scores = {}
    for model_id, y, proba in _by_model(predictions, test_rows):
        scores[model_id] = classification_metrics(y, proba)
        if subset is not None:
            ids = predictions.loc[predictions["model_id"] == model_id, "review_id"]
            inside = ids.isin(subset).to_numpy()
            hits = (proba[inside] >= 0.5) == (y[inside] == 1)
            scores[model_id]["subset_accuracy"] = (
                round(float(hits.mean()), 5) if inside.any() else None
            )
            scores[model_id]["subset_rows"] = int(inside.sum())
        logger.info(
            "evaluate %s: test accuracy %.4f on %d reviews (subset: %s)",
            model_id, scores[model_id]["accuracy"], scores[model_id]["rows"],
            scores[model_id].get("subset_accuracy"),
        )  # fmt: skip
    return scores


def evaluation_metrics(
    scores: Mapping[str, Mapping[str, Any]], short_scores: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``metrics.json``: accuracy, F1, ROC-AUC, subset and one-sentence accuracy per model
    (stable keys for ``dvc exp show``)."""
    keys = (*HEADLINE_KEYS, "subset_accuracy")
    short = short_scores or {}
    return {
        mid: {k: s[k] for k in keys if k in s}
        | ({"short_accuracy": short[mid]["short_accuracy"]} if mid in short else {})
        for mid, s in sorted(scores.items())
    }


def speed_sample(texts: pd.Series, n: int, seed: int) -> list[str]:
    """A seeded sample of ``n`` raw texts, in their original order."""
    n = min(int(n), len(texts))
    idx = np.random.default_rng(seed).choice(len(texts), size=n, replace=False)
    return texts.iloc[np.sort(idx)].tolist()


def measure_speed(
    test_rows: pd.DataFrame, models: Mapping[str, ModelHandle], params: dict[str, Any], seed: int
) -> dict[str, Any]:
    """Latency (batch of one) and throughput (one large batch) from RAW text, per model.

    The throughput batch of a slow model is cut to ~``throughput_seconds`` of work (its
    ``throughput_batch`` says how many reviews it was measured on).
    """
    latency_texts = speed_sample(test_rows["text"], params["latency_reviews"], seed)
    timings = {}
    for model_id, handle in tqdm(models.items(), desc="evaluate: speed", unit="model"):
        model = handle.load()
        latency = latency_ms(model, latency_texts)
        batch = throughput_batch_size(
            params["throughput_reviews"],
            latency["latency_ms_median"],
            params["throughput_seconds"],
            floor=len(latency_texts),
        )
        timings[model_id] = {
            "train_seconds": model.card.train_seconds,
            **latency,
            **throughput(model, speed_sample(test_rows["text"], batch, seed + 1)),
        }
        logger.info(
            "evaluate %s: latency %.2f ms, %.0f reviews/s",
            model_id,
            timings[model_id]["latency_ms_median"],
            timings[model_id]["throughput_reviews_per_s"],
        )
    return timings


def curve_data(
    predictions: pd.DataFrame, test_rows: pd.DataFrame, scores: Mapping[str, Any],
    params: dict[str, Any],
) -> tuple[list, list, list]:  # fmt: skip
    """DVC plot data: ROC and precision-recall points, confusion counts (one list per kind)."""
    roc, pr, confusion = [], [], []
    for model_id, y, proba in _by_model(predictions, test_rows):
        roc.append(roc_points(model_id, y, proba, params["curve_points"]))
        pr.append(pr_points(model_id, y, proba, params["curve_points"]))
        confusion.extend(confusion_rows(model_id, scores[model_id]))
    return (
        pd.concat(roc, ignore_index=True).to_dict("records"),
        pd.concat(pr, ignore_index=True).to_dict("records"),
        confusion,
    )


def leaderboard(
    scores: Mapping[str, Any],
    timings: Mapping[str, Any],
    cards: Mapping[str, Any],
    short_scores: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, str]:
    """The leaderboard as CSV rows and Markdown (``DataFrame.to_markdown``)."""
    board = build_leaderboard(scores, timings, cards, short_scores)
    note = ""
    if board["subset_accuracy"].notna().any():
        rows = int(max(s.get("subset_rows", 0) for s in scores.values()))
        note = (
            f"Ranked by `subset_accuracy`: every model on the same fixed {rows:,}-review test "
            "subset (evaluate.test_subset). `accuracy`, `f1` and `roc_auc` are on `test_rows` "
            "reviews: all of test, or the subset for models scored on it only (BERT on CPU).\n\n"
        )
    if board["short_accuracy"].notna().any():
        note += (
            "`short_accuracy`: accuracy on the first sentence of each test review (the subset's "
            'sentences for subset-scored models; docs/models.md "Short reviews").\n\n'
        )
    markdown = "# Leaderboard (test fold)\n\n" + note
    markdown += board.to_markdown(index=False, floatfmt=".4f")
    return board, markdown + "\n"


def figures(roc: list, pr: list, confusion: list, board: pd.DataFrame) -> dict[str, Any]:
    """PNG figures (ROC, precision-recall, confusion) in leaderboard order."""
    order = board["model_id"].tolist()
    roc_frame, pr_frame = pd.DataFrame(roc), pd.DataFrame(pr)
    return {
        "roc.png": curve_figure(roc_frame, "fpr", "tpr", "ROC (test)", order),
        "precision_recall.png": curve_figure(
            pr_frame, "recall", "precision", "Precision-recall (test)", order
        ),
        "confusion.png": confusion_figure(pd.DataFrame(confusion), order),
    }


def top_features(models: Mapping[str, ModelHandle], params: dict[str, Any]) -> dict[str, Any]:
    """The most positive/negative features of every model that has them (linear n-gram)."""
    top = {}
    for model_id, handle in models.items():
        found = handle.load().top_features(params["top_features"])
        if found is not None:
            top[model_id] = found
            logger.info(
                "evaluate %s top features: + %s | - %s",
                model_id,
                ", ".join(f["feature"] for f in found["positive"][:5]),
                ", ".join(f["feature"] for f in found["negative"][:5]),
            )
    return top
