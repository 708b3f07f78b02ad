"""Nodes of ``baseline``: minimal cleaning -> TF-IDF -> logistic regression.

C is chosen on ``val`` with a model trained on ``fit``; the final model is refit on fit + val
and scored once on ``test``. The selection node never receives test rows.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.pipeline import Pipeline as SkPipeline

logger = logging.getLogger(__name__)

_HTML_TAG = re.compile(r"<[^>]+>")


def minimal_clean(reviews: pd.DataFrame) -> pd.DataFrame:
    """Labelled rows only, HTML tags replaced by spaces (``<br />`` is everywhere in IMDb)."""
    labelled = reviews[reviews["label"].notna()]
    return pd.DataFrame(
        {
            "review_id": labelled["review_id"].to_numpy(),
            "fold": labelled["fold"].to_numpy(),
            "label": labelled["label"].astype(int).to_numpy(),
            "text": labelled["text"].str.replace(_HTML_TAG, " ", regex=True).to_numpy(),
        }
    )


def split_folds(cleaned: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (fit, val, test) rows."""
    return tuple(
        cleaned[cleaned["fold"] == f].reset_index(drop=True) for f in ("fit", "val", "test")
    )


def _make_model(params: dict[str, Any], c: float, seed: int) -> SkPipeline:
    tfidf = params["tfidf"]
    return SkPipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=tuple(tfidf["ngram_range"]),
                    min_df=tfidf["min_df"],
                    max_df=tfidf["max_df"],
                    sublinear_tf=tfidf["sublinear_tf"],
                    strip_accents="unicode",
                ),
            ),
            ("lr", LogisticRegression(C=c, max_iter=params["max_iter"], random_state=seed)),
        ]
    )


def select_c_on_val(
    fit: pd.DataFrame, val: pd.DataFrame, params: dict[str, Any], seed: int
) -> dict[str, Any]:
    """Train on ``fit`` for every C of the grid, score accuracy on ``val``; pick the best."""
    base = _make_model(params, params["c_grid"][0], seed)
    x_fit = base.named_steps["tfidf"].fit_transform(fit["text"])
    x_val = base.named_steps["tfidf"].transform(val["text"])
    scores = {}
    for c in params["c_grid"]:
        lr = LogisticRegression(C=c, max_iter=params["max_iter"], random_state=seed)
        lr.fit(x_fit, fit["label"])
        scores[c] = float(accuracy_score(val["label"], lr.predict(x_val)))
        logger.info("baseline: C=%g val accuracy %.4f", c, scores[c])
    best_c = max(scores, key=lambda c: (scores[c], -c))  # ties -> the stronger regularisation
    return {
        "best_C": float(best_c),
        "val_accuracy": scores[best_c],
        "val_accuracy_by_C": {str(c): s for c, s in scores.items()},
    }


def refit_on_fit_val(
    fit: pd.DataFrame,
    val: pd.DataFrame,
    selection: dict[str, Any],
    params: dict[str, Any],
    seed: int,
) -> tuple[SkPipeline, dict[str, float]]:
    """Refit the selected model on fit + val."""
    train = pd.concat([fit, val], ignore_index=True)
    start = time.perf_counter()
    model = _make_model(params, selection["best_C"], seed).fit(train["text"], train["label"])
    seconds = time.perf_counter() - start
    logger.info("baseline: refit on %d rows in %.1f s", len(train), seconds)
    return model, {"refit_seconds": round(seconds, 2), "train_rows": len(train)}


def score_on_test(
    model: SkPipeline, test: pd.DataFrame, selection: dict[str, Any], refit_info: dict[str, float]
) -> tuple[dict[str, Any], dict[str, float]]:
    """Score the final model once on ``test``; metrics and timings are returned separately."""
    start = time.perf_counter()
    proba = model.predict_proba(test["text"])[:, 1]
    seconds = time.perf_counter() - start
    pred = (proba >= 0.5).astype(int)
    y = test["label"].to_numpy()
    metrics = {
        "test": {
            "accuracy": round(float(accuracy_score(y, pred)), 5),
            "precision": round(float(precision_score(y, pred)), 5),
            "recall": round(float(recall_score(y, pred)), 5),
            "f1": round(float(f1_score(y, pred)), 5),
            "roc_auc": round(float(roc_auc_score(y, proba)), 5),
            "rows": int(len(test)),
        },
        "val": {"best_C": selection["best_C"], "accuracy": round(selection["val_accuracy"], 5)},
        "train_rows": int(refit_info["train_rows"]),
    }
    logger.info("baseline: test accuracy %.4f", metrics["test"]["accuracy"])
    timings = {
        "refit_seconds": refit_info["refit_seconds"],
        "test_predict_seconds": round(seconds, 2),
        "test_reviews_per_second": round(len(test) / max(seconds, 1e-9), 1),
    }
    return metrics, timings
