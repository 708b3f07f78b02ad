"""Stage 3 of the NLP pipeline: negation-aware stop-word filtering.

``preprocess`` never removes stop words (DESIGN.md "Tokens"); consumers switch this filter on.
Generic lists (spaCy's, NLTK's) contain "not", "no", "never", "n't", "but" - removing them turns
"not good" into "good", the opposite sentiment - so the words in :data:`NEGATIONS` are kept
unless the caller passes its own ``keep``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

#: Negations, contrast and scarcity words: they flip or weaken the sentiment of what follows.
#: "n't" appears both as the tokenizer emits it and as the lookup lemmatizer rewrites it ("not").
NEGATIONS: frozenset[str] = frozenset(
    {
        "not", "no", "never", "n't", "n’t", "n‘t", "nt", "nor", "neither", "none", "nobody",
        "noone", "nothing", "nowhere", "cannot", "without", "but", "however", "yet", "although",
        "though", "against", "hardly", "barely", "scarcely", "few", "less", "least", "too",
        "very", "only",
    }
)  # fmt: skip

#: spaCy's English list (326 words, incl. contraction pieces such as "'s", "'ll", "ca").
DEFAULT_STOP_WORDS: frozenset[str] = frozenset(w.lower() for w in _SPACY_STOP_WORDS)


@lru_cache(maxsize=64)
def _removed(stop_words: frozenset[str], keep: frozenset[str]) -> frozenset[str]:
    return stop_words - keep


def make_stop_word_filter(
    stop_words: Iterable[str] | None = None, keep: Iterable[str] | None = None
) -> Callable[[list[str]], list[str]]:
    """Build the filter once for many documents (the set difference is not redone per call)."""
    removed = _removed(
        DEFAULT_STOP_WORDS if stop_words is None else frozenset(stop_words),
        NEGATIONS if keep is None else frozenset(keep),
    )

    def _filter(tokens: list[str]) -> list[str]:
        return [t for t in tokens if t not in removed]

    return _filter


def filter_stop_words(
    tokens: list[str],
    stop_words: Iterable[str] | None = None,
    keep: Iterable[str] | None = None,
) -> list[str]:
    """Drop stop words from ``tokens`` but keep negations ("not", "no", "never", "n't", "but", ...).

    ``stop_words`` defaults to :data:`DEFAULT_STOP_WORDS`, ``keep`` to :data:`NEGATIONS`; pass
    ``keep=()`` for plain stop-word removal. Matching is exact (tokens are lowercased upstream).
    """
    if stop_words is None and keep is None:
        removed = _removed(DEFAULT_STOP_WORDS, NEGATIONS)
    else:
        removed = _removed(
            DEFAULT_STOP_WORDS if stop_words is None else frozenset(stop_words),
            NEGATIONS if keep is None else frozenset(keep),
        )
    return [t for t in tokens if t not in removed]
