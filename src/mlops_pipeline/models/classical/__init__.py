"""Classical text models: the project's preprocessing + a BoW/TF-IDF vectorizer or document
embedder + a linear head (LR, calibrated linear SVM, multinomial NB, NB-SVM).

- :class:`ClassicalTextModel`: the :class:`~mlops_pipeline.models.base.TextModel` of this family
- :func:`make_estimator`, :func:`expand_grid`: scikit-learn estimators from plain parameters
- :func:`select_on_val`: grid selection on ``val`` (never sees test)
- :class:`LinearHead`, :class:`NBSVMClassifier`, :func:`log_count_ratio`
"""

from .estimators import FAMILIES, NEEDS_NON_NEGATIVE, expand_grid, make_estimator
from .heads import LinearHead, head_from_estimator
from .model import INTERFACE, ClassicalTextModel
from .nbsvm import NBSVMClassifier, binarize_features, log_count_ratio
from .selection import select_on_val

__all__ = [
    "FAMILIES",
    "INTERFACE",
    "NEEDS_NON_NEGATIVE",
    "ClassicalTextModel",
    "LinearHead",
    "NBSVMClassifier",
    "binarize_features",
    "expand_grid",
    "head_from_estimator",
    "log_count_ratio",
    "make_estimator",
    "select_on_val",
]
