"""A logistic-regression probe: trained on ``fit``, scored on ``val`` — never on ``test``."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def probe_val_accuracy(
    x_fit: Any, y_fit: Any, x_val: Any, y_val: Any, c: float = 1.0, seed: int = 0
) -> float | None:
    """Val accuracy of a logistic regression trained on ``fit``.

    Dense inputs (document vectors) are standardised on ``fit``; sparse inputs are used as they
    are (liblinear). Returns ``None`` when a fold lacks one of the two classes (tiny test data).
    """
    y_fit = np.asarray(y_fit, dtype=int)
    y_val = np.asarray(y_val, dtype=int)
    if len(np.unique(y_fit)) < 2 or len(y_val) == 0:
        return None
    solver = "liblinear"  # fast and robust on large sparse (unscaled count) matrices
    if isinstance(x_fit, np.ndarray):
        scaler = StandardScaler().fit(x_fit)
        x_fit, x_val = scaler.transform(x_fit), scaler.transform(x_val)
        solver = "lbfgs"
    model = LogisticRegression(C=c, solver=solver, max_iter=2000, random_state=seed)
    model.fit(x_fit, y_fit)
    return float((model.predict(x_val) == y_val).mean())
