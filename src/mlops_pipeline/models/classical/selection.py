"""Hyper-parameter selection on ``val`` (DESIGN.md "Who sees what").

:func:`select_on_val` trains one candidate per grid point on the ``fit`` rows and scores it on
the ``val`` rows. It has no parameter through which test rows could arrive: the test fold
never reaches selection, by construction. The caller refits the winner on fit + val.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from mlops_pipeline.metrics import classification_metrics

from .estimators import expand_grid, make_estimator
from .heads import head_from_estimator

logger = logging.getLogger(__name__)


def select_on_val(
    x_fit: Any,
    y_fit: Any,
    x_val: Any,
    y_val: Any,
    family: str,
    params: Mapping[str, Any] | None,
    grid: Mapping[str, list[Any]] | None,
    seed: int,
    label: str = "",
) -> dict[str, Any]:
    """Score every grid point (fixed ``params`` + point) on ``val``; return the val-best.

    Ties go to the earlier grid point (list grids from the strongest regularisation).
    ``val_proba`` holds the winner's positive-class probabilities on the ``val`` rows (the
    model trained on ``fit``): the validation predictions DESIGN.md asks every model for.
    """
    y_fit, y_val = np.asarray(y_fit).astype(int), np.asarray(y_val).astype(int)
    results, val_probas = [], []
    for point in expand_grid(grid):
        candidate = {**dict(params or {}), **point}
        start = time.perf_counter()
        estimator = make_estimator(family, candidate, seed).fit(x_fit, y_fit)
        seconds = time.perf_counter() - start
        proba = head_from_estimator(estimator).predict_proba(x_val)[:, 1]
        metrics = classification_metrics(y_val, proba)
        accuracy = metrics["accuracy"]
        auc = float("nan") if metrics["roc_auc"] is None else metrics["roc_auc"]
        val_probas.append(proba)
        results.append(
            {
                "params": candidate,
                "val_accuracy": accuracy,
                "val_roc_auc": auc,
                "fit_seconds": round(seconds, 2),
            }
        )
        logger.info(
            "%s %s: val accuracy %.4f (fit %.1f s)", label or family, point, accuracy, seconds
        )
    best = max(range(len(results)), key=lambda i: (results[i]["val_accuracy"], -i))
    return {
        "best_params": results[best]["params"],
        "val_accuracy": results[best]["val_accuracy"],
        "val_roc_auc": results[best]["val_roc_auc"],
        "val_proba": val_probas[best],
        "candidates": results,
        "fit_rows": int(x_fit.shape[0]),
        "val_rows": int(x_val.shape[0]),
    }
