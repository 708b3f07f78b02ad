"""``LinearHead``: every classical classifier here, reduced to arrays.

Logistic regression, a probability-calibrated linear SVM, multinomial naive Bayes
and NB-SVM are all linear in their input features for two classes:

* LR: ``p1 = sigmoid(x @ w + b)``
* calibrated SVM (Platt): ``p1 = sigmoid(-(a * (x @ w + b) + c))``
* multinomial NB: ``p1 = sigmoid(x @ (logp1 - logp0) + prior1 - prior0)``
* NB-SVM: ``x`` binarized, then LR on ``r * x``, i.e. ``w_eff = w * r``

So a fitted model is stored as ``head.npz`` (float arrays, loaded with ``allow_pickle=False``)
plus a few scalars in JSON: nothing executable, safe to load from anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB

from .nbsvm import NBSVMClassifier, binarize_features

HEAD_ARRAYS = "head.npz"
HEAD_META = "head.json"


@dataclass
class LinearHead:
    """Binary linear classifier over a fixed feature space, stored as arrays."""

    coef: np.ndarray  # (n_features,)
    intercept: float
    binarize: bool = False
    calib_a: float | None = None  # Platt scaling of the decision value (calibrated SVM)
    calib_b: float | None = None

    def decision_function(self, x: Any) -> np.ndarray:
        if self.binarize:
            x = binarize_features(x)
        z = np.asarray(x @ self.coef, dtype=np.float64).ravel() + self.intercept
        if self.calib_a is not None:
            z = -(self.calib_a * z + self.calib_b)
        return z

    def predict_proba(self, x: Any) -> np.ndarray:
        p1 = expit(self.decision_function(x))
        return np.column_stack([1.0 - p1, p1])

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[0])

    # -- persistence ---------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        np.savez_compressed(directory / HEAD_ARRAYS, coef=self.coef.astype(np.float64))
        meta = {
            "intercept": float(self.intercept),
            "binarize": bool(self.binarize),
            "calib_a": None if self.calib_a is None else float(self.calib_a),
            "calib_b": None if self.calib_b is None else float(self.calib_b),
            "n_features": self.n_features,
        }
        (directory / HEAD_META).write_text(json.dumps(meta, indent=2))

    @classmethod
    def load(cls, directory: str | Path) -> LinearHead:
        directory = Path(directory)
        meta = json.loads((directory / HEAD_META).read_text())
        with np.load(directory / HEAD_ARRAYS, allow_pickle=False) as arrays:
            coef = np.asarray(arrays["coef"], dtype=np.float64)
        if coef.shape != (meta["n_features"],):
            raise ValueError(f"head.npz has shape {coef.shape}, card says {meta['n_features']}")
        return cls(
            coef=coef,
            intercept=float(meta["intercept"]),
            binarize=bool(meta["binarize"]),
            calib_a=meta["calib_a"],
            calib_b=meta["calib_b"],
        )


def head_from_estimator(estimator: Any) -> LinearHead:
    """Convert a fitted two-class estimator of :mod:`.estimators` into a :class:`LinearHead`."""
    classes = list(getattr(estimator, "classes_", []))
    if classes != [0, 1]:
        raise ValueError(f"expected classes [0, 1], got {classes}")
    if isinstance(estimator, NBSVMClassifier):
        lr = estimator.classifier_
        return LinearHead(
            coef=lr.coef_.ravel() * estimator.r_,
            intercept=float(lr.intercept_[0]),
            binarize=estimator.binarize,
        )
    if isinstance(estimator, LogisticRegression):
        return LinearHead(
            coef=estimator.coef_.ravel().copy(), intercept=float(estimator.intercept_[0])
        )
    if isinstance(estimator, CalibratedClassifierCV):
        if len(estimator.calibrated_classifiers_) != 1:
            raise ValueError("use CalibratedClassifierCV(ensemble=False): one estimator, one map")
        calibrated = estimator.calibrated_classifiers_[0]
        svm, sigmoid = calibrated.estimator, calibrated.calibrators[0]
        return LinearHead(
            coef=svm.coef_.ravel().copy(),
            intercept=float(svm.intercept_[0]),
            calib_a=float(sigmoid.a_),
            calib_b=float(sigmoid.b_),
        )
    if isinstance(estimator, MultinomialNB):
        flp = estimator.feature_log_prob_
        prior = float(estimator.class_log_prior_[1] - estimator.class_log_prior_[0])
        return LinearHead(coef=(flp[1] - flp[0]).astype(np.float64), intercept=prior)
    raise TypeError(f"no linear head for {type(estimator).__name__}")
