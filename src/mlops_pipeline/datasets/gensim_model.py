"""gensim ``Word2Vec`` / ``FastText`` models in gensim's native format.

gensim's native format is a pickle plus ``.npy`` side files for the large arrays. It is written
and read here only for models this project trained, from its own output folder
(``data/04_feature/embeddings/<family>/gensim/``); anything that must be loaded from elsewhere
(a model bundle) uses :class:`mlops_pipeline.embeddings.DocumentEmbedder`'s JSON + ``.npy``
format instead.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from mlops_pipeline.atomic_io import atomic_directory

_FAMILIES = ("word2vec", "fasttext")


def _model_class(family: str) -> type:
    from gensim.models import FastText, Word2Vec

    return {"word2vec": Word2Vec, "fasttext": FastText}[family]


@contextlib.contextmanager
def _ordered_ignores() -> Iterator[None]:
    """FastText's keyed vectors name the attributes they skip in a Python ``set``, and gensim
    pickles them in that set's order, which ``PYTHONHASHSEED`` changes from process to process
    (the same model, different bytes). Within this block the names are passed sorted."""
    # why local: gensim is heavy; the catalog builds this dataset without loading it
    from gensim.models.fasttext import FastTextKeyedVectors
    from gensim.models.keyedvectors import KeyedVectors

    original = FastTextKeyedVectors._save_specials

    def ordered(self: Any, fname: Any, separately: Any, sep_limit: Any, ignore: Any, *rest: Any):
        names = sorted(set(ignore).union(["buckets_word", "vectors"]))
        return KeyedVectors._save_specials(self, fname, separately, sep_limit, names, *rest)

    FastTextKeyedVectors._save_specials = ordered
    try:
        yield
    finally:
        FastTextKeyedVectors._save_specials = original


class GensimModelDataset(AbstractDataset[Any, Any]):
    """A trained gensim model: ``<filepath>`` plus gensim's ``<filepath>.*.npy`` side files.

    The folder of ``filepath`` belongs to the model: a save replaces the whole folder at once
    (:func:`~mlops_pipeline.atomic_io.atomic_directory`), so side files of an earlier model never
    linger. What gensim records about the run rather than the model - its lifecycle log
    (timestamps, host name, file names) and ``total_train_time`` (wall seconds) - is left out of
    the saved copy, so the file is a function of the data, parameters and seed (training
    seconds are reported in the stage's ``timings.json``).

    Args:
        filepath: the model file, in a folder of its own.
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
        model = copy.copy(data)  # the caller's model keeps its own log and train time
        model.lifecycle_events = None  # no datetime / platform / path records in the pickle
        model.total_train_time = 0.0
        with atomic_directory(self._filepath.parent) as tmp, _ordered_ignores():
            model.save(str(tmp / self._filepath.name))

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "family": self._family}
