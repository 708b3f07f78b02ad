"""Combiners of member probabilities, cross-fitting and greedy member selection.

A combiner maps the members' P(positive) on a row, ``P[i] = (p_1, ..., p_m)``, to one
probability:

* ``logit_mean``: ``sigmoid(sum_j w_j logit(p_j))`` — weights on the simplex (``w >= 0``,
  ``sum w = 1``): a weighted geometric mean of the odds;
* ``mean``: ``sum_j w_j p_j`` — weighted average of probabilities, weights on the simplex;
* ``stacking``: logistic regression on the members' logits (free weights and an intercept).

Simplex weights are fitted by minimising the log loss (L-BFGS over a softmax parameterisation,
started from equal weights: deterministic). With one member a simplex combiner IS that member.

Every function here takes the rows it may use and nothing else: the callers pass `val` rows
only (DESIGN.md "Validation scores and predictions"). An honest score of the whole procedure
(member selection + combiner fit) comes from :func:`cross_fit`, which fits on some folds of
those rows and predicts the held-out fold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from mlops_pipeline.metrics import classification_metrics

logger = logging.getLogger(__name__)

COMBINERS = ("logit_mean", "mean", "stacking")
EPS = 1e-6


def clip(p: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(p, dtype=np.float64), EPS, 1.0 - EPS)


@dataclass
class Combiner:
    """A fitted combiner: ``kind``, one weight per member (in member order), an intercept."""

    kind: str
    weights: list[float]
    intercept: float = 0.0

    def predict(self, probas: np.ndarray) -> np.ndarray:
        """P(positive) from the members' P(positive), ``probas`` of shape ``(n, m)``."""
        p = np.asarray(probas, dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != len(self.weights):
            raise ValueError(
                f"expected (n, {len(self.weights)}) member probabilities, got {p.shape}"
            )
        w = np.asarray(self.weights, dtype=np.float64)
        if self.kind == "mean":
            return p @ w
        return expit(logit(clip(p)) @ w + self.intercept)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "weights": list(self.weights), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Combiner:
        if data.get("kind") not in COMBINERS:
            raise ValueError(f"unknown combiner {data.get('kind')!r}; expected one of {COMBINERS}")
        return cls(data["kind"], [float(w) for w in data["weights"]], float(data["intercept"]))


def _simplex_weights(probas: np.ndarray, y: np.ndarray, kind: str) -> np.ndarray:
    m = probas.shape[1]
    if m == 1:
        return np.ones(1)
    feats = logit(clip(probas)) if kind == "logit_mean" else clip(probas)

    def loss(theta: np.ndarray) -> float:
        w = softmax(theta)
        p = expit(feats @ w) if kind == "logit_mean" else feats @ w
        p = clip(p)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    result = minimize(loss, np.zeros(m), method="L-BFGS-B")
    return softmax(result.x)


def fit_combiner(probas: np.ndarray, y: Sequence[int], kind: str, C: float = 1.0) -> Combiner:
    """Fit a ``kind`` combiner on member probabilities ``(n, m)`` and 0/1 labels."""
    probas = np.asarray(probas, dtype=np.float64)
    y = np.asarray(y).astype(int)
    if kind not in COMBINERS:
        raise ValueError(f"unknown combiner {kind!r}; expected one of {COMBINERS}")
    if kind == "stacking":
        lr = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(logit(clip(probas)), y)
        return Combiner(kind, lr.coef_.ravel().tolist(), float(lr.intercept_[0]))
    weights = _simplex_weights(probas, y, kind)
    return Combiner(kind, [round(float(w), 12) for w in weights], 0.0)


def fold_indices(
    y: np.ndarray, groups: np.ndarray | None, n_folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded, label-stratified folds; reviews of one movie stay in one fold (``groups``)."""
    n_folds = max(2, min(int(n_folds), int(np.bincount(y, minlength=2).min())))
    if groups is not None:
        splitter = StratifiedGroupKFold(n_folds, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y)), y, groups))
    splitter = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y))


def cross_fit(
    probas: np.ndarray,
    y: np.ndarray,
    procedure: Callable[
        [np.ndarray, np.ndarray, np.ndarray | None], Callable[[np.ndarray], np.ndarray]
    ],
    groups: np.ndarray | None,
    n_folds: int,
    seed: int,
) -> np.ndarray:
    """Out-of-fold P(positive): ``procedure(P_train, y_train, groups_train)`` returns a
    predictor fitted on the other folds, applied to each held-out fold."""
    out = np.empty(len(y), dtype=np.float64)
    for train, held in fold_indices(y, groups, n_folds, seed):
        predictor = procedure(probas[train], y[train], None if groups is None else groups[train])
        out[held] = predictor(probas[held])
    return out


def scores(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Accuracy and ROC-AUC (:func:`~mlops_pipeline.metrics.classification_metrics`; ``nan``
    for a single class) and the log loss of the clipped P(positive) against 0/1 labels.

    The log loss clips at :data:`EPS`, as the combiners do when they fit (``classification_metrics``
    does not), so member selection minimises the loss the weights were fitted on.
    """
    metrics = classification_metrics(y, proba)
    return {
        "accuracy": metrics["accuracy"],
        "roc_auc": float("nan") if metrics["roc_auc"] is None else metrics["roc_auc"],
        "log_loss": round(float(log_loss(y, clip(proba), labels=[0, 1])), 5),
    }


@dataclass
class Selection:
    """Greedy forward selection: the chosen member columns and the path that led there."""

    members: list[int]
    path: list[dict[str, Any]] = field(default_factory=list)


def _criterion(y: np.ndarray, proba: np.ndarray, metric: str) -> float:
    """Lower is better."""
    s = scores(y, proba)
    return s["log_loss"] if metric == "log_loss" else -s["accuracy"]


def select_members(
    probas: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray | None,
    kind: str,
    *,
    C: float = 1.0,
    max_members: int = 4,
    min_gain: float = 0.0,
    metric: str = "log_loss",
    n_folds: int = 5,
    seed: int = 0,
) -> Selection:
    """Add, one at a time, the member whose addition most improves the cross-fitted
    ``metric`` (``log_loss`` or ``accuracy``); stop at ``max_members`` or when the gain is not
    above ``min_gain``. Ties go to the earlier column. Uses only the rows it is given."""

    def procedure(p: np.ndarray, t: np.ndarray, g: np.ndarray | None):
        return fit_combiner(p, t, kind, C).predict

    chosen: list[int] = []
    best = float("inf")
    path: list[dict[str, Any]] = []
    while len(chosen) < min(max_members, probas.shape[1]):
        trial = []
        for j in range(probas.shape[1]):
            if j in chosen:
                continue
            cols = [*chosen, j]
            oof = cross_fit(probas[:, cols], y, procedure, groups, n_folds, seed)
            trial.append((_criterion(y, oof, metric), j, oof))
        value, j, oof = min(trial, key=lambda t: (t[0], t[1]))
        if chosen and not best - value > min_gain:
            break
        chosen.append(j)
        best = value
        path.append({"added": j, **scores(y, oof)})
    return Selection(chosen, path)
