"""Bag-of-Words and TF-IDF vectorizers that consume token lists, saved without pickles.

The vectorizers follow DESIGN.md "Tokens": ``tokenizer`` and ``preprocessor`` are the identity,
``token_pattern=None`` and ``lowercase=False`` — never a callable ``analyzer``, which would make
scikit-learn silently ignore ``ngram_range``. Negation-aware stop-word filtering
(:func:`mlops_pipeline.text.filter_stop_words`) is an option applied to each token list before
the vectorizer sees it, so the raw-text serving path and the cached matrices cannot disagree.

On disk (:meth:`TokenVectorizer.save`)::

    <dir>/config.json       kind, params, stop-word options, n_features, library versions
    <dir>/vocabulary.json   the feature names, in column order
    <dir>/idf.npy           TF-IDF only: the idf vector (float64, ``allow_pickle=False``)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from mlops_pipeline.atomic_io import atomic_directory

from .ngram_index import ngram_index

KINDS = ("bow", "tfidf")
FORMAT_VERSION = 1

# Options each kind accepts (anything else is a configuration error, not silently ignored).
_COMMON = {"max_features", "min_df", "max_df", "ngram_range", "dtype"}
_ALLOWED = {
    "bow": _COMMON | {"binary"},
    "tfidf": _COMMON | {"binary", "sublinear_tf", "norm", "use_idf", "smooth_idf"},
}
_DEFAULT_DTYPE = {"bow": "int32", "tfidf": "float32"}


def _identity(doc: Any) -> Any:
    """Identity tokenizer/preprocessor: documents are already token lists."""
    return doc


def _sklearn_vectorizer(kind: str, params: Mapping[str, Any]) -> CountVectorizer:
    if kind not in KINDS:
        raise ValueError(f"Unknown vectorizer kind {kind!r}; expected one of {KINDS}")
    unknown = set(params) - _ALLOWED[kind]
    if unknown:
        raise ValueError(
            f"Unknown {kind} option(s) {sorted(unknown)}; allowed {sorted(_ALLOWED[kind])}"
        )
    options = dict(params)
    options["ngram_range"] = tuple(options.get("ngram_range", (1, 1)))
    options["dtype"] = np.dtype(options.get("dtype") or _DEFAULT_DTYPE[kind]).type
    cls = TfidfVectorizer if kind == "tfidf" else CountVectorizer
    return cls(
        analyzer="word",
        tokenizer=_identity,
        preprocessor=_identity,
        token_pattern=None,
        lowercase=False,
        **options,
    )


def _stop_word_options(stop_words: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Normalise the ``stop_words`` option: ``None`` / ``{enabled: false}`` means off."""
    if not stop_words or not stop_words.get("enabled", True):
        return None
    unknown = set(stop_words) - {"enabled", "words", "keep"}
    if unknown:
        raise ValueError(f"Unknown stop_words option(s) {sorted(unknown)}")
    words = stop_words.get("words")
    keep = stop_words.get("keep")
    return {
        "enabled": True,
        "words": None if words is None else sorted(words),
        "keep": None if keep is None else sorted(keep),
    }


class TokenVectorizer(TransformerMixin, BaseEstimator):
    """Bag-of-Words (``kind="bow"``) or TF-IDF (``kind="tfidf"``) over token lists.

    Args:
        kind: ``"bow"`` (``CountVectorizer``) or ``"tfidf"`` (``TfidfVectorizer``).
        params: vectorizer options (``max_features``, ``min_df``, ``max_df``, ``ngram_range``,
            ``binary``, ``dtype``; TF-IDF also ``sublinear_tf``, ``norm``, ``use_idf``,
            ``smooth_idf``). Unknown keys raise.
        stop_words: ``None`` or ``{enabled, words, keep}``; when enabled every token list goes
            through ``mlops_pipeline.text.filter_stop_words(tokens, stop_words=words, keep=keep)``
            (negation-aware) first.
    """

    def __init__(
        self,
        kind: str = "tfidf",
        params: Mapping[str, Any] | None = None,
        stop_words: Mapping[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.params = params
        self.stop_words = stop_words

    # -- fitting / transforming -------------------------------------------------------------
    def _prepare(self, docs: Iterable[Sequence[str]]) -> list[list[str]]:
        options = _stop_word_options(self.stop_words)
        if options is None:
            return [list(doc) for doc in docs]
        # why local: mlops_pipeline.text loads spaCy; vectorizers without stop words never need it
        from mlops_pipeline.text import filter_stop_words

        return [
            list(filter_stop_words(list(doc), stop_words=options["words"], keep=options["keep"]))
            for doc in docs
        ]

    def fit(self, docs: Iterable[Sequence[str]], y: Any = None) -> TokenVectorizer:
        self.vectorizer_ = _sklearn_vectorizer(self.kind, dict(self.params or {}))
        self.vectorizer_.fit(self._prepare(docs))
        return self

    def fit_transform(self, docs: Iterable[Sequence[str]], y: Any = None) -> sp.csr_matrix:
        self.vectorizer_ = _sklearn_vectorizer(self.kind, dict(self.params or {}))
        return sp.csr_matrix(self.vectorizer_.fit_transform(self._prepare(docs)))

    def transform(self, docs: Iterable[Sequence[str]]) -> sp.csr_matrix:
        """The fitted vectorizer's matrix for ``docs``; counts come from :mod:`.ngram_index`
        (identical to scikit-learn's, several times faster), else from scikit-learn."""
        if not hasattr(self, "vectorizer_"):
            raise RuntimeError("TokenVectorizer is not fitted; call fit() or load() first")
        vec, prepared = self.vectorizer_, self._prepare(docs)
        index = ngram_index(vec)
        counts = None if index is None else index.count_matrix(prepared, vec.dtype)
        if counts is None:
            return sp.csr_matrix(vec.transform(prepared))
        if vec.binary:  # what CountVectorizer.transform does after counting
            counts.data.fill(1)
        if isinstance(vec, TfidfVectorizer):
            counts = vec._tfidf.transform(counts, copy=False)  # noqa: SLF001 - sklearn's step
        return sp.csr_matrix(counts)

    @property
    def feature_names(self) -> np.ndarray:
        """Column names (unigrams, and ``"w1 w2"`` for bigrams), in column order."""
        return self.vectorizer_.get_feature_names_out()

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return self.feature_names

    @property
    def n_features(self) -> int:
        return len(self.vectorizer_.vocabulary_)

    def ngram_orders(self) -> np.ndarray:
        """The n-gram order of every column (1 for a unigram, 3 for ``"w1 w2 w3"``)."""
        names = self.feature_names.astype(str)
        return np.char.count(names, " ") + 1 if len(names) else np.zeros(0, dtype=int)

    def restrict_ngrams(self, ngram_range: Sequence[int]) -> tuple[TokenVectorizer, np.ndarray]:
        """The vectorizer of the columns whose n-gram order lies in ``ngram_range``.

        Returns ``(vectorizer, columns)``: ``vectorizer.transform(docs)`` equals
        ``self.transform(docs)[:, columns]`` exactly (terms are counted one by one; min_df /
        max_df were per-term choices), so a model trained on a column subset of the cached
        matrix serves the same numbers from raw text. Row-normalised TF-IDF is refused: its
        values depend on every column of the row.
        """
        lo, hi = (int(n) for n in ngram_range)
        params = dict(self.params or {})
        if self.kind == "tfidf" and params.get("norm", "l2") is not None:
            raise ValueError(
                "restricting the n-gram range of a row-normalised TF-IDF matrix changes its "
                "values; use an unnormalised vectorizer (bow / ngrams)"
            )
        columns = np.flatnonzero((self.ngram_orders() >= lo) & (self.ngram_orders() <= hi))
        names = self.feature_names[columns]
        vec = _sklearn_vectorizer(self.kind, {**params, "ngram_range": [lo, hi]})
        vec.vocabulary_ = {str(term): i for i, term in enumerate(names)}
        vec.fixed_vocabulary_ = False
        if isinstance(vec, TfidfVectorizer) and vec.use_idf:
            vec.idf_ = np.asarray(self.vectorizer_.idf_)[columns]
        elif isinstance(vec, TfidfVectorizer):
            vec._tfidf = _fitted_transformer(vec)  # noqa: SLF001 - no idf to restore
        out = TokenVectorizer(
            kind=self.kind, params={**params, "ngram_range": [lo, hi]}, stop_words=self.stop_words
        )
        out.vectorizer_ = vec
        return out, columns

    @property
    def idf(self) -> np.ndarray | None:
        """The idf vector (TF-IDF with ``use_idf``), else ``None``."""
        vec = self.vectorizer_
        return np.asarray(vec.idf_) if isinstance(vec, TfidfVectorizer) and vec.use_idf else None

    # -- persistence --------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write ``config.json``, ``vocabulary.json`` (and ``idf.npy``) atomically to ``directory``."""
        if not hasattr(self, "vectorizer_"):
            raise RuntimeError("Cannot save an unfitted TokenVectorizer")
        config = {
            "format_version": FORMAT_VERSION,
            "kind": self.kind,
            "params": _jsonable(dict(self.params or {})),
            "stop_words": _stop_word_options(self.stop_words),
            "n_features": self.n_features,
            "sklearn_version": sklearn.__version__,
        }
        with atomic_directory(directory) as tmp:
            (tmp / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
            (tmp / "vocabulary.json").write_text(
                json.dumps(self.feature_names.tolist(), ensure_ascii=False)
            )
            if self.idf is not None:
                np.save(tmp / "idf.npy", self.idf, allow_pickle=False)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> TokenVectorizer:
        """Rebuild a fitted vectorizer from :meth:`save` output (JSON + npy; no pickle)."""
        source = Path(directory)
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        if config.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"Unsupported vectorizer format in {source}: {config!r}")
        terms = json.loads((source / "vocabulary.json").read_text(encoding="utf-8"))
        obj = cls(kind=config["kind"], params=config["params"], stop_words=config["stop_words"])
        vec = _sklearn_vectorizer(obj.kind, dict(obj.params or {}))
        vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
        vec.fixed_vocabulary_ = False
        if isinstance(vec, TfidfVectorizer) and vec.use_idf:
            vec.idf_ = np.load(source / "idf.npy", allow_pickle=False)
        elif isinstance(vec, TfidfVectorizer):
            vec._tfidf = _fitted_transformer(vec)  # noqa: SLF001 - no idf to restore
        obj.vectorizer_ = vec
        if obj.n_features != config["n_features"]:
            raise ValueError(
                f"{source}: vocabulary has {obj.n_features} terms, config says "
                f"{config['n_features']}"
            )
        return obj


def _fitted_transformer(vec: TfidfVectorizer) -> Any:
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(
        norm=vec.norm, use_idf=False, smooth_idf=vec.smooth_idf, sublinear_tf=vec.sublinear_tf
    )
    return transformer.fit(sp.csr_matrix((1, len(vec.vocabulary_))))


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def build_vectorizer(
    kind: str, params: Mapping[str, Any] | None = None, stop_words: Mapping[str, Any] | None = None
) -> TokenVectorizer:
    """An unfitted :class:`TokenVectorizer`; options are validated here, not at fit time."""
    _sklearn_vectorizer(kind, dict(params or {}))
    _stop_word_options(stop_words)
    return TokenVectorizer(kind=kind, params=dict(params or {}), stop_words=stop_words)


def save_vectorizer(vectorizer: TokenVectorizer, directory: str | os.PathLike[str]) -> None:
    """Save a fitted vectorizer to ``directory`` in the safe format (see module docstring)."""
    vectorizer.save(directory)


def load_vectorizer(directory: str | os.PathLike[str]) -> TokenVectorizer:
    """Load a vectorizer written by :func:`save_vectorizer`."""
    return TokenVectorizer.load(directory)
