"""NB-SVM (Wang & Manning 2012, "Baselines and Bigrams", ACL).

Binary n-gram features ``x_hat = 1{f > 0}`` are scaled by the naive-Bayes log-count ratio

    p = alpha + sum_{i: y_i = 1} x_hat_i,   q = alpha + sum_{i: y_i = 0} x_hat_i
    r = log( (p / ||p||_1) / (q / ||q||_1) )

and a linear classifier is trained on ``r * x_hat``. Wang & Manning use an L2-loss SVM with
weight interpolation; like Mesnil et al. (2014) we use L2 logistic regression, which gives
probabilities directly and reaches the same accuracy. The fitted model is linear in
``x_hat`` with weights ``w * r`` (see :func:`.heads.head_from_estimator`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


def binarize_features(x: Any) -> Any:
    """0/1 presence features (sparse or dense), the NB-SVM input ``x_hat = 1{f > 0}``."""
    if sp.issparse(x):
        out = sp.csr_matrix(x, dtype=np.float64, copy=True)
        out.data = (out.data > 0).astype(np.float64)
        out.eliminate_zeros()
        return out
    return (np.asarray(x) > 0).astype(np.float64)


def log_count_ratio(x: Any, y: Any, alpha: float = 1.0, binarize: bool = True) -> np.ndarray:
    """The NB log-count ratio ``r`` (one value per feature) of Wang & Manning (2012)."""
    y = np.asarray(y)
    feats = binarize_features(x) if binarize else x
    p = alpha + np.asarray(feats[y == 1].sum(axis=0), dtype=np.float64).ravel()
    q = alpha + np.asarray(feats[y == 0].sum(axis=0), dtype=np.float64).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


class NBSVMClassifier(ClassifierMixin, BaseEstimator):
    """Scikit-learn estimator: NB log-count-ratio scaling, then logistic regression."""

    def __init__(
        self,
        alpha: float = 1.0,
        C: float = 1.0,
        binarize: bool = True,
        max_iter: int = 1000,
        solver: str = "liblinear",
        random_state: int | None = None,
    ) -> None:
        self.alpha = alpha
        self.C = C
        self.binarize = binarize
        self.max_iter = max_iter
        self.solver = solver
        self.random_state = random_state

    def _scaled(self, x: Any) -> Any:
        feats = binarize_features(x) if self.binarize else x
        return feats.multiply(self.r_).tocsr() if hasattr(feats, "multiply") else feats * self.r_

    def fit(self, x: Any, y: Any) -> NBSVMClassifier:
        y = np.asarray(y).astype(int)
        self.classes_ = np.unique(y)
        self.r_ = log_count_ratio(x, y, self.alpha, self.binarize)
        self.classifier_ = LogisticRegression(
            C=self.C,
            max_iter=self.max_iter,
            solver=self.solver,
            dual=self.solver == "liblinear",
            random_state=self.random_state,
        ).fit(self._scaled(x), y)
        return self

    def decision_function(self, x: Any) -> np.ndarray:
        return self.classifier_.decision_function(self._scaled(x))

    def predict_proba(self, x: Any) -> np.ndarray:
        return self.classifier_.predict_proba(self._scaled(x))

    def predict(self, x: Any) -> np.ndarray:
        return self.classes_[(self.decision_function(x) > 0).astype(int)]
