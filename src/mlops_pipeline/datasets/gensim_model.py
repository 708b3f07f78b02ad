"""gensim ``Word2Vec`` / ``FastText`` models in gensim's native format.

gensim's native format is a pickle plus ``.npy`` side files for the large arrays. It is written
and read here only for models this project trained, from its own output folder
(``data/06_models/embeddings/``); anything that must be loaded from elsewhere (a model bundle)
uses :class:`mlops_pipeline.embeddings.DocumentEmbedder`'s JSON + ``.npy`` format instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

_FAMILIES = ("word2vec", "fasttext")


def _model_class(family: str) -> type:
    from gensim.models import FastText, Word2Vec

    return {"word2vec": Word2Vec, "fasttext": FastText}[family]


class GensimModelDataset(AbstractDataset[Any, Any]):
    """A trained gensim model: ``<filepath>`` plus gensim's ``<filepath>.*.npy`` side files.

    Args:
        filepath: the model file (put each model in a folder of the stage's own).
        family: ``"word2vec"`` or ``"fasttext"``: the only classes this dataset loads.
    """

    def __init__(
        self, filepath: str, family: str = "word2vec", metadata: dict[str, Any] | None = None
    ) -> None:
        if family not in _FAMILIES:
            raise DatasetError(f"family must be one of {_FAMILIES}, got {family!r}")
        self._filepath = Path(filepath)
        self._family = family
        self.metadata = metadata

    def load(self) -> Any:
        return _model_class(self._family).load(str(self._filepath))

    def save(self, data: Any) -> None:
        expected = _model_class(self._family)
        if not isinstance(data, expected):
            raise DatasetError(f"expected a {expected.__name__}, got {type(data).__name__}")
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        for stale in self._filepath.parent.glob(f"{self._filepath.name}.*.npy"):
            stale.unlink()  # side files of an earlier model (another vector_size, bucket, ...)
        data.save(str(self._filepath))

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "family": self._family}
