"""Fitted text representations saved as folders in their own safe formats (JSON + ``.npy``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

_KINDS = ("token_vectorizer", "document_embedder", "paragraph_embedder")


def _artifact_class(kind: str) -> type:
    # why local: the catalog imports every dataset class on each run; scikit-learn (features)
    # and gensim (embeddings) load only when such an artifact is read or written
    if kind == "token_vectorizer":
        from mlops_pipeline.features import TokenVectorizer

        return TokenVectorizer
    if kind == "paragraph_embedder":  # why local: as above (gensim)
        from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder

        return ParagraphEmbedder
    from mlops_pipeline.embeddings import DocumentEmbedder

    return DocumentEmbedder


class ArtifactDirDataset(AbstractDataset[Any, Any]):
    """A :class:`~mlops_pipeline.features.TokenVectorizer` (``kind: token_vectorizer``) or a
    :class:`~mlops_pipeline.embeddings.DocumentEmbedder` (``kind: document_embedder``) or
    :class:`~mlops_pipeline.embeddings.paragraph.ParagraphEmbedder` (``kind: paragraph_embedder``) folder,
    written by the object's ``save(dir)`` and read by its ``load(dir)`` (never a pickle).
    """

    def __init__(self, path: str, kind: str, metadata: dict[str, Any] | None = None) -> None:
        if kind not in _KINDS:
            raise DatasetError(f"kind must be one of {_KINDS}, got {kind!r}")
        self._path = Path(path)
        self._kind = kind
        self.metadata = metadata

    def load(self) -> Any:
        return _artifact_class(self._kind).load(self._path)

    def save(self, data: Any) -> None:
        expected = _artifact_class(self._kind)
        if not isinstance(data, expected):
            raise DatasetError(f"expected a {expected.__name__}, got {type(data).__name__}")
        data.save(self._path)

    def _exists(self) -> bool:
        return (self._path / "config.json").exists()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "kind": self._kind}
