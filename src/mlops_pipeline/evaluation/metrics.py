"""Classification metrics and curve data for one model's test-fold probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

#: Keys of one model's entry in ``metrics.json`` (kept stable: ``dvc metrics diff`` compares them).
METRIC_KEYS = (
    "accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "log_loss",
    "tn",
    "fp",
    "fn",
    "tp",
    "rows",
    "train_rows",
    "size_bytes",
)


def classification_metrics(y_true: Any, proba: Any, threshold: float = 0.5) -> dict[str, Any]:
    """Accuracy, precision, recall, F1, ROC-AUC, log-loss and the confusion counts.

    ``proba`` is P(positive) per row; the predicted label is ``proba >= threshold``.
    """
    y = np.asarray(y_true).astype(int)
    p = np.clip(np.asarray(proba, dtype=np.float64), 0.0, 1.0)
    pred = (p >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    both = len(np.unique(y)) == 2
    return {
        "accuracy": round(float(accuracy_score(y, pred)), 5),
        "precision": round(float(precision_score(y, pred, zero_division=0)), 5),
        "recall": round(float(recall_score(y, pred, zero_division=0)), 5),
        "f1": round(float(f1_score(y, pred, zero_division=0)), 5),
        "roc_auc": round(float(roc_auc_score(y, p)), 5) if both else None,
        "log_loss": round(float(log_loss(y, p, labels=[0, 1])), 5),
        "tn": int(tn),
        "fp": int(fp),
        "fn": int(fn),
        "tp": int(tp),
        "rows": int(len(y)),
    }


def _thin(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` indices of ``range(n)``, evenly spaced, first and last kept."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def roc_points(model_id: str, y_true: Any, proba: Any, max_points: int = 200) -> pd.DataFrame:
    """ROC curve (``model_id, fpr, tpr``), thinned to ``max_points`` so it stays small in git."""
    fpr, tpr, _ = roc_curve(np.asarray(y_true).astype(int), proba)
    idx = _thin(len(fpr), max_points)
    return pd.DataFrame({"model_id": model_id, "fpr": fpr[idx].round(5), "tpr": tpr[idx].round(5)})


def pr_points(model_id: str, y_true: Any, proba: Any, max_points: int = 200) -> pd.DataFrame:
    """Precision-recall curve (``model_id, recall, precision``), thinned like :func:`roc_points`."""
    precision, recall, _ = precision_recall_curve(np.asarray(y_true).astype(int), proba)
    idx = _thin(len(recall), max_points)
    return pd.DataFrame(
        {
            "model_id": model_id,
            "recall": recall[idx].round(5),
            "precision": precision[idx].round(5),
        }
    )


def confusion_rows(model_id: str, metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Confusion counts as rows (``model_id, actual, predicted, count``) for DVC plots."""
    cells = {("neg", "neg"): "tn", ("neg", "pos"): "fp", ("pos", "neg"): "fn", ("pos", "pos"): "tp"}
    return [
        {"model_id": model_id, "actual": a, "predicted": p, "count": int(metrics[key])}
        for (a, p), key in cells.items()
    ]
