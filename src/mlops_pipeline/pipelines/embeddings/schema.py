"""Schema of ``conf/base/parameters_embeddings.yml`` (see :mod:`mlops_pipeline.params`).

Word2Vec / FastText options are gensim's (:mod:`mlops_pipeline.embeddings.training` passes
them through); left-out keys take gensim's defaults, shown here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from mlops_pipeline.params import StrictModel


class Word2VecOptions(StrictModel):
    """gensim `Word2Vec` options."""

    sg: Literal[0, 1] = Field(default=0, description="1 = skip-gram, 0 = CBOW (faster).")
    vector_size: int = Field(default=100, ge=1, description="Dimensions of the word vectors.")
    window: int = Field(default=5, ge=1, description="Context words on each side.")
    min_count: int = Field(default=5, ge=1, description="Ignore words rarer than this.")
    epochs: int = Field(default=5, ge=1, description="Passes over the corpus.")
    negative: int = Field(
        default=5, ge=0, description="Negative samples per positive one (0 = no negative sampling)."
    )
    sample: float = Field(
        default=0.001, ge=0.0, description="Down-sampling threshold of frequent words (0 = off)."
    )
    alpha: float = Field(default=0.025, gt=0.0, description="Initial learning rate.")
    min_alpha: float = Field(
        default=0.0001, ge=0.0, description="Learning rate at the end (linear decay)."
    )
    max_vocab_size: int | None = Field(
        default=None, ge=1, description="Prune the vocabulary while counting; null = no limit."
    )
    hs: Literal[0, 1] = Field(default=0, description="1 = hierarchical softmax.")


class FastTextOptions(Word2VecOptions):
    """gensim `FastText` options: Word2Vec's plus character n-grams."""

    min_n: int = Field(default=3, ge=1, description="Shortest character n-gram.")
    max_n: int = Field(
        default=6, ge=0, description="Longest character n-gram (< min_n: no n-grams)."
    )
    bucket: int = Field(
        default=2_000_000,
        ge=1,
        description="Hashed n-gram rows (x vector_size floats in every saved embedder).",
    )


class Doc2VecOptions(StrictModel):
    """gensim `Doc2Vec` options (negative sampling only)."""

    dm: Literal[0, 1] = Field(default=0, description="0 = PV-DBOW, 1 = PV-DM.")
    vector_size: int = Field(default=100, ge=1, description="Dimensions of the paragraph vectors.")
    window: int = Field(default=5, ge=1, description="Context words on each side (PV-DM).")
    min_count: int = Field(default=5, ge=1, description="Ignore words rarer than this.")
    epochs: int = Field(default=10, ge=1, description="Passes over the corpus.")
    negative: int = Field(default=5, ge=1, description="Negative samples per positive one.")
    sample: float = Field(
        default=0.001, ge=0.0, description="Down-sampling threshold of frequent words (0 = off)."
    )
    dbow_words: Literal[0, 1] = Field(
        default=0, description="1 = also train skip-gram word vectors in PV-DBOW (slower)."
    )


class Doc2VecInference(StrictModel):
    """How a new document's paragraph vector is inferred (the served path and every fold)."""

    epochs: int = Field(ge=1, description="Inference passes per document (cost ~ linear).")
    alpha: float = Field(default=0.025, gt=0.0, description="Initial learning rate.")
    min_alpha: float = Field(default=0.0001, gt=0.0, description="Final learning rate.")


class Probe(StrictModel):
    """Logistic-regression probe: trained on `fit` document vectors, accuracy on `val`."""

    enabled: bool = Field(default=True, description="Run the probe.")
    C: float = Field(default=1.0, gt=0, description="Inverse regularisation strength.")


class Report(StrictModel):
    """What the embeddings report shows about the trained word vectors."""

    neighbours: list[str] = Field(description="Words whose nearest neighbours are listed.")
    topn: int = Field(ge=1, description="Neighbours listed per word.")
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        description="Word pairs whose cosine similarity is reported."
    )
    oov_probes: list[str] = Field(
        default_factory=list, description="Words checked for having a vector (subwords)."
    )


class Parameters(StrictModel):
    """Pipeline `embeddings`: Word2Vec and FastText trained on the train and unsup reviews
    (never test), document vectors (mean and TF-IDF pooling) per fold, probes and a report."""

    workers: int | None = Field(
        ge=1,
        description=(
            "gensim worker threads. 1 with `common.seed` gives bit-identical vectors and "
            "metrics; 2 (or null = one per core) is faster but NOT reproducible."
        ),
    )
    pooling: Literal["mean", "tfidf"] = Field(
        description="Default pooling stored in the saved DocumentEmbedder (both are written)."
    )
    word2vec: Word2VecOptions = Field(description="Word2Vec training options.")
    fasttext: FastTextOptions = Field(description="FastText training options.")
    doc2vec: Doc2VecOptions = Field(description="Paragraph-vector (Doc2Vec) training options.")
    doc2vec_inference: Doc2VecInference = Field(
        description="Inference of paragraph vectors for every fold and for new text."
    )
    probe: Probe = Field(description="The logistic-regression probe of each pooling.")
    report: Report = Field(description="Nearest neighbours, similarities and OOV probes.")
