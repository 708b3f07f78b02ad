"""Classification metrics of P(positive) against 0/1 labels: the project's one definition.

A leaf module (it imports nothing from the project), so every layer can use it: training
(``val_metrics`` of every model, grid and member selection), evaluation (the test fold),
retraining and drift. ``mlops_pipeline.evaluation`` re-exports it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)


def classification_metrics(y_true: Any, proba: Any, threshold: float = 0.5) -> dict[str, Any]:
    """Accuracy, precision, recall, F1, ROC-AUC, log-loss and the confusion counts.

    ``proba`` is P(positive) per row; the predicted label is ``proba >= threshold``. Scores are
    rounded to 5 decimals; ``roc_auc`` is ``None`` when ``y_true`` holds a single class.
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
