"""Scikit-learn estimators for the classical families, built from plain parameters.

Families: ``logreg`` (logistic regression), ``linear_svm`` (LinearSVC with Platt-calibrated
probabilities), ``mnb`` (multinomial naive Bayes;
complement NB is left out: on two classes it makes the same predictions) and ``nbsvm``.
Every fitted estimator converts to a :class:`.heads.LinearHead` for saving and serving.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

from .nbsvm import NBSVMClassifier

FAMILIES = ("logreg", "linear_svm", "mnb", "nbsvm")
# Families whose inputs must be non-negative counts/weights (not dense embeddings).
NEEDS_NON_NEGATIVE = ("mnb", "nbsvm")


def make_estimator(family: str, params: Mapping[str, Any], seed: int) -> Any:
    """An unfitted estimator of ``family`` with ``params`` (unknown keys raise ``TypeError``)."""
    p = dict(params)
    if family == "logreg":
        solver = p.pop("solver", "liblinear")
        return LogisticRegression(
            C=p.pop("C", 1.0),
            solver=solver,
            dual=p.pop("dual", solver == "liblinear"),
            max_iter=p.pop("max_iter", 1000),
            random_state=seed,
            **p,
        )
    if family == "linear_svm":
        cv_folds = p.pop("calibration_folds", 3)
        svm = LinearSVC(C=p.pop("C", 1.0), max_iter=p.pop("max_iter", 2000), random_state=seed, **p)
        return CalibratedClassifierCV(
            svm,
            method="sigmoid",
            cv=StratifiedKFold(cv_folds, shuffle=True, random_state=seed),
            ensemble=False,
        )
    if family == "mnb":
        return MultinomialNB(**p)
    if family == "nbsvm":
        return NBSVMClassifier(random_state=seed, **p)
    raise ValueError(f"unknown model family {family!r}; expected one of {FAMILIES}")


def expand_grid(grid: Mapping[str, list[Any]] | None) -> list[dict[str, Any]]:
    """``{C: [1, 2], alpha: [0.5]}`` -> ``[{C: 1, alpha: 0.5}, {C: 2, alpha: 0.5}]`` (sorted keys)."""
    if not grid:
        return [{}]
    keys = sorted(grid)
    values = [grid[k] if isinstance(grid[k], list | tuple) else [grid[k]] for k in keys]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]
