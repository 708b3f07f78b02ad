"""Schema of ``conf/base/parameters_features.yml`` (see :mod:`mlops_pipeline.params`).

Vectorizer options are those :mod:`mlops_pipeline.features.vectorizers` passes to
scikit-learn's ``CountVectorizer`` / ``TfidfVectorizer``; left-out keys take its defaults.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlops_pipeline.params import DocumentFrequency, NgramRange, StrictModel


class StopWords(StrictModel):
    """Negation-aware stop-word filtering (`mlops_pipeline.text.filter_stop_words`) of every
    token list before vectorizing."""

    enabled: bool = Field(default=True, description="Filter stop words before vectorizing.")
    words: list[str] | None = Field(default=None, description="Stop words; null = spaCy's list.")
    keep: list[str] | None = Field(
        default=None,
        description='Words never dropped; null = the negations ("not", "no", "n\'t", ...).',
    )


class _Vectorizer(StrictModel):
    ngram_range: NgramRange = Field(
        default=[1, 1], description="`[min_n, max_n]` word n-gram orders (`[1, 2]`: + bigrams)."
    )
    min_df: DocumentFrequency = Field(
        default=1,
        description="Drop terms in fewer documents: a count (integer) or a share (number).",
    )
    max_df: DocumentFrequency = Field(
        default=1.0,
        description="Drop terms in more documents: a count (integer) or a share (number).",
    )
    max_features: int | None = Field(
        default=None, ge=1, description="Keep only the most frequent terms; null = all."
    )
    binary: bool = Field(default=False, description="Presence (1) instead of counts.")


class Bow(_Vectorizer):
    """Bag-of-Words (scikit-learn `CountVectorizer` on token lists; identity tokenizer)."""

    dtype: Literal["int8", "int16", "int32", "int64", "float32", "float64"] = Field(
        default="int32", description="Matrix dtype (counts fit int32)."
    )


class Tfidf(_Vectorizer):
    """TF-IDF (scikit-learn `TfidfVectorizer` on token lists)."""

    sublinear_tf: bool = Field(default=False, description="Use 1 + log(tf) instead of tf.")
    norm: Literal["l1", "l2"] | None = Field(
        default="l2", description="Row normalisation; null = none."
    )
    use_idf: bool = Field(
        default=True, description="Weight terms by their inverse document frequency."
    )
    smooth_idf: bool = Field(
        default=True, description="Add one to document frequencies (no zero division)."
    )
    dtype: Literal["float32", "float64"] = Field(default="float32", description="Matrix dtype.")


class Ngrams(_Vectorizer):
    """Binary word n-grams for NB-SVM (scikit-learn `CountVectorizer`; no row normalisation, so
    `train_classical` can pick a narrower n-gram range as a column subset, chosen on `val`)."""

    ngram_range: NgramRange = Field(
        default=[1, 3], description="`[min_n, max_n]` word n-gram orders (`[1, 3]`: + trigrams)."
    )
    binary: bool = Field(default=True, description="Presence (1) instead of counts.")
    dtype: Literal["int8", "int16", "int32", "int64", "float32", "float64"] = Field(
        default="int8", description="Matrix dtype (presence fits int8)."
    )


class Probe(StrictModel):
    """Sanity probe in the report: logistic regression trained on `fit`, accuracy on `val`."""

    enabled: bool = Field(default=True, description="Run the probe.")
    C: float = Field(default=1.0, gt=0, description="Inverse regularisation strength.")


class Parameters(StrictModel):
    """Pipeline `features`: Bag-of-Words, TF-IDF and binary n-grams fit on the train reviews
    (fit + val), one matrix per fold. Kedro replaces the whole section in another environment."""

    stop_words: StopWords = Field(description="Stop-word filtering before both vectorizers.")
    bow: Bow = Field(description="Bag-of-Words options.")
    tfidf: Tfidf = Field(description="TF-IDF options.")
    ngrams: Ngrams = Field(
        description="Binary 1-3-gram presence matrix (NB-SVM; its n-gram range is chosen on val)."
    )
    probe: Probe = Field(description="The logistic-regression probe of each matrix.")
