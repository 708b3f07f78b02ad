"""Classification metrics and curve data for one model's test-fold probabilities.

:func:`classification_metrics` lives in the leaf module :mod:`mlops_pipeline.metrics` (models
use it too, and must not import evaluation); it is re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve, roc_curve

from mlops_pipeline.metrics import classification_metrics

__all__ = [
    "METRIC_KEYS",
    "classification_metrics",
    "confusion_rows",
    "pr_points",
    "roc_points",
]

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
