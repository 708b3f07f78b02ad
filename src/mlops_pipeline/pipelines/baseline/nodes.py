"""Nodes of ``baseline``: minimal cleaning -> TF-IDF -> logistic regression.

C is chosen on ``val`` with a model trained on ``fit`` (the project's one selection routine,
:func:`mlops_pipeline.models.classical.select_on_val`); the final model is refit on fit + val
and scored once on ``test`` with the project's metrics. No node before the last one receives
test rows.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline as SkPipeline

from mlops_pipeline.metrics import classification_metrics
from mlops_pipeline.models.classical import make_estimator, select_on_val

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


def _vectorizer(params: dict[str, Any]) -> TfidfVectorizer:
    tfidf = params["tfidf"]
    return TfidfVectorizer(
        ngram_range=tuple(tfidf["ngram_range"]),
        min_df=tfidf["min_df"],
        max_df=tfidf["max_df"],
        sublinear_tf=tfidf["sublinear_tf"],
        strip_accents="unicode",
    )


def _lr_params(params: dict[str, Any]) -> dict[str, Any]:
    return {"solver": "lbfgs", "max_iter": params["max_iter"]}


def vectorize_for_selection(
    fit: pd.DataFrame, val: pd.DataFrame, params: dict[str, Any]
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """TF-IDF fitted on ``fit`` only, applied to ``fit`` and ``val``."""
    vectorizer = _vectorizer(params)
    return vectorizer.fit_transform(fit["text"]), vectorizer.transform(val["text"])


def select_c_on_val(
    x_fit: sp.csr_matrix,
    x_val: sp.csr_matrix,
    fit: pd.DataFrame,
    val: pd.DataFrame,
    params: dict[str, Any],
    seed: int,
) -> dict[str, Any]:
    """Train on ``fit`` for every C of the grid, score on ``val``; ties go to the smaller C."""
    selection = select_on_val(
        x_fit, fit["label"], x_val, val["label"], "logreg", _lr_params(params),
        {"C": sorted(params["c_grid"])}, seed, label="baseline",
    )  # fmt: skip
    return {
        "best_C": float(selection["best_params"]["C"]),
        "val_accuracy": selection["val_accuracy"],
        "val_accuracy_by_C": {
            str(c["params"]["C"]): c["val_accuracy"] for c in selection["candidates"]
        },
    }


def refit_on_fit_val(
    fit: pd.DataFrame, val: pd.DataFrame, selection: dict[str, Any], params: dict[str, Any],
    seed: int,
) -> SkPipeline:  # fmt: skip
    """Refit TF-IDF + the selected LR on fit + val."""
    train = pd.concat([fit, val], ignore_index=True)
    lr = make_estimator("logreg", {**_lr_params(params), "C": selection["best_C"]}, seed)
    model = SkPipeline([("tfidf", _vectorizer(params)), ("lr", lr)])
    logger.info("baseline: refit on %d rows (C=%g)", len(train), selection["best_C"])
    return model.fit(train["text"], train["label"])


def score_on_test(
    model: SkPipeline, test: pd.DataFrame, fit: pd.DataFrame, val: pd.DataFrame,
    selection: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """Score the final model once on ``test``: the stage's headline ``metrics.json``."""
    proba = model.predict_proba(test["text"])[:, 1]
    test_metrics = classification_metrics(test["label"], proba)
    logger.info("baseline: test accuracy %.4f", test_metrics["accuracy"])
    keep = ("accuracy", "f1", "roc_auc", "rows")
    return {
        "test": {k: test_metrics[k] for k in keep},
        "val": {"accuracy": selection["val_accuracy"], "best_C": selection["best_C"]},
        "train_rows": int(len(fit) + len(val)),
    }
