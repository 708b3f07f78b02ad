"""Sparse text features (Bag-of-Words, TF-IDF) over token lists.

Public API (stable; used by ``train_classical`` to bundle a vectorizer inside a model):

- :func:`build_vectorizer` ``(kind, params, stop_words=None) -> TokenVectorizer`` (unfitted)
- :class:`TokenVectorizer`: ``fit(docs)``, ``transform(docs) -> scipy.sparse.csr_matrix``,
  ``fit_transform``, ``feature_names``, ``save(dir)``, ``classmethod load(dir)``
- :func:`save_vectorizer` ``(vec, dir)`` / :func:`load_vectorizer` ``(dir)``: safe format
  (``config.json`` + ``vocabulary.json`` + ``idf.npy``; never a pickle)
- :func:`probe_val_accuracy`: the logistic-regression probe (trained on ``fit``, scored on
  ``val``) the sanity reports use.

``docs`` are token lists as ``preprocess`` writes them (column ``tokens``). See docs/features.md.
"""

from .probe import probe_val_accuracy
from .vectorizers import (
    KINDS,
    TokenVectorizer,
    build_vectorizer,
    load_vectorizer,
    save_vectorizer,
)

__all__ = [
    "KINDS",
    "TokenVectorizer",
    "build_vectorizer",
    "load_vectorizer",
    "probe_val_accuracy",
    "save_vectorizer",
]
