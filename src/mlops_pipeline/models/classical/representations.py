"""Bundle a fitted representation (vectorizer or document embedder) inside a model folder.

Two kinds exist, each saved and loaded by its own module's safe format (no pickles):

* ``token_vectorizer``: :class:`mlops_pipeline.features.TokenVectorizer` (BoW / TF-IDF;
  JSON vocabulary + npy idf)
* ``document_embedder``: :class:`mlops_pipeline.embeddings.DocumentEmbedder`
  (Word2Vec / FastText vectors x mean / TF-IDF-weighted pooling)
* ``paragraph_embedder``: :class:`mlops_pipeline.embeddings.paragraph.ParagraphEmbedder`
  (Doc2Vec paragraph vectors inferred per document)
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from mlops_pipeline.features import TokenVectorizer, load_vectorizer

KINDS = ("token_vectorizer", "document_embedder", "paragraph_embedder")


def representation_kind(rep: Any) -> str:
    """``token_vectorizer`` or ``document_embedder`` (the kind a model card records)."""
    if isinstance(rep, TokenVectorizer):
        return "token_vectorizer"
    if type(rep).__name__ == "DocumentEmbedder":
        return "document_embedder"
    if type(rep).__name__ == "ParagraphEmbedder":
        return "paragraph_embedder"
    raise TypeError(f"unsupported representation {type(rep).__name__}")


def save_representation(rep: Any, directory: str | Path) -> str:
    """Save ``rep`` into ``directory`` (created); return its kind."""
    kind = representation_kind(rep)
    rep.save(directory)
    return kind


def load_representation(directory: str | Path, kind: str) -> Any:
    """Load a representation saved by :func:`save_representation` (kind from the card)."""
    if kind == "token_vectorizer":
        return load_vectorizer(directory)
    if kind == "document_embedder":
        # why local: mlops_pipeline.embeddings imports gensim; only embedding models need it
        from mlops_pipeline.embeddings import DocumentEmbedder

        return DocumentEmbedder.load(directory)
    if kind == "paragraph_embedder":
        # why local: gensim again, only for paragraph-vector models
        from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder

        return ParagraphEmbedder.load(directory)
    raise ValueError(f"unknown representation kind {kind!r}; expected one of {KINDS}")


def feature_names(rep: Any) -> np.ndarray | None:
    """Column names of a vectorizer's output (``None`` for dense document vectors)."""
    names = getattr(rep, "feature_names", None)
    return None if names is None else np.asarray(names)


def folder_fingerprint(directory: str | Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``directory``."""
    digest = hashlib.sha256()
    root = Path(directory)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
