"""Stages 2 and 4 of the NLP pipeline: Penn Treebank tokenization, lemmatization, stemming.

Tokenizing is done by spaCy (``spacy.blank("en")``, default) or NLTK's Treebank tokenizer - never
by a hand-written splitter. Everything done to a token *after* tokenizing (punctuation drop,
lemma, stem) depends on the token string alone, so :class:`TokenNormalizer` computes it once per
distinct string and caches it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

TOKENIZERS = ("spacy", "nltk")
LEMMATIZERS = ("lookup", "wordnet", "none")
STEMMERS = ("none", "porter", "snowball")


def is_punct(token: str) -> bool:
    """True when every character is punctuation or a non-emoji symbol (``$``, ``+``, ``^``).

    Emoji and other "So" symbols are content (they carry sentiment) and are kept.
    """
    return all(
        (cat := unicodedata.category(ch))[0] == "P" or cat in ("Sm", "Sc", "Sk") for ch in token
    )


@lru_cache(maxsize=1)
def lookup_table() -> Mapping[str, str]:
    """spaCy's English lemma lookup table (``spacy-lookups-data``), loaded once per process.

    A spaCy ``Table`` is keyed by string *hashes*: ``get("ran")`` works, iterating does not
    yield strings, so it is used as is rather than copied into a dict.
    """
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


def make_lemmatizer(name: str, overrides: Mapping[str, str]) -> Callable[[str], str]:
    """Return ``token -> lemma`` for ``lookup`` (spaCy table), ``wordnet`` or ``none``."""
    if name == "none":
        return lambda token: token
    if name == "lookup":
        table = lookup_table()
        # What ``Lemmatizer(mode="lookup")`` does, minus building a Doc per text; it runs once
        # per distinct token (``TokenNormalizer`` caches).
        return lambda token: overrides.get(token) or table.get(token, token)
    if name == "wordnet":
        # why local: the WordNet lemmatizer needs NLTK and its corpus; only this option uses it
        from .wordnet import WordNetLemmatizerWithPos

        wordnet = WordNetLemmatizerWithPos()
        return lambda token: overrides.get(token) or wordnet.lemmatize(token)
    raise ValueError(f"preprocess.lemmatizer must be one of {LEMMATIZERS}, got {name!r}")


def make_stemmer(name: str) -> Callable[[str], str] | None:
    """Return ``token -> stem`` for ``porter`` / ``snowball``; ``None`` for ``none``."""
    if name == "none":
        return None
    if name == "porter":
        from nltk.stem import PorterStemmer

        return PorterStemmer().stem
    if name == "snowball":
        from nltk.stem.snowball import SnowballStemmer

        return SnowballStemmer("english").stem
    raise ValueError(f"preprocess.stemmer must be one of {STEMMERS}, got {name!r}")


class TokenNormalizer:
    """Token string -> output token (or ``None`` to drop it), memoised per distinct string."""

    def __init__(
        self,
        lemmatizer: Callable[[str], str],
        stemmer: Callable[[str], str] | None,
        drop_punct: bool,
        keep_punct: Iterable[str],
    ) -> None:
        self._lemmatize = lemmatizer
        self._stem = stemmer
        self._drop_punct = drop_punct
        self._keep = frozenset(keep_punct)
        self.cache: dict[str, str | None] = {}

    def compute(self, token: str) -> str | None:
        """The uncached rule: whitespace and punctuation drop, then lemma, then stem."""
        if token in self._keep:
            return token
        if not token.strip() or (self._drop_punct and is_punct(token)):
            return None
        out = self._lemmatize(token)
        if self._stem is not None:
            out = self._stem(out)
        return out or None

    def __call__(self, token: str) -> str | None:
        try:
            return self.cache[token]
        except KeyError:
            out = self.cache[token] = self.compute(token)
            return out


@lru_cache(maxsize=4)
def blank_english(sentencizer: bool = False, lean: bool = False) -> Language:
    """``spacy.blank("en")``: the rule-based English tokenizer, optionally a sentencizer.

    ``lean`` empties ``vocab.lex_attr_getters``: spaCy then stops running ~20 Python functions
    (norm, shape, like_num, is_stop, ...) for every new word type. Nothing here reads those
    attributes (punctuation and lemmas are decided per string by :class:`TokenNormalizer`), and
    the splitting rules do not use them, so the tokens are identical and ~20 % cheaper.

    Cached per process: building it costs about a second, and the tokenizer is stateless
    apart from its cache of already-split chunks (which only makes sharing faster).
    """
    nlp = spacy.blank("en")
    if lean:
        nlp.vocab.lex_attr_getters = {}
    if sentencizer:
        nlp.add_pipe("sentencizer")
    return nlp


class _HashCache(dict):
    """``ORTH`` hash -> output token (``None``: dropped); a miss resolves the string once."""

    def __init__(self, strings: Any, normalizer: TokenNormalizer) -> None:
        super().__init__()
        self._strings = strings
        self._norm = normalizer

    def __missing__(self, key: int) -> str | None:
        out = self[key] = self._norm(self._strings[key])
        return out


class SpacyTokens:
    """spaCy tokenizer -> normalised token lists.

    Tokens are read as ``ORTH`` hashes from ``Doc.to_array`` and mapped through a hash-keyed
    cache with C-level ``map``/``filter``: no Python ``Token`` object per token and no Python
    bytecode per token, so the tokenizer itself is nearly all of the time.
    """

    def __init__(self, normalizer: TokenNormalizer) -> None:
        from spacy.attrs import ORTH

        self._orth = ORTH
        self._nlp = blank_english(lean=True)
        self._cache = _HashCache(self._nlp.vocab.strings, normalizer)

    def __call__(self, texts: Iterable[str]) -> Iterator[list[str]]:
        lookup, orth = self._cache.__getitem__, self._orth
        for doc in self._nlp.tokenizer.pipe(texts, batch_size=256):
            if not len(doc):
                yield []
                continue
            # ``filter(None, ...)`` drops the ``None`` of dropped tokens (outputs are never "").
            yield list(filter(None, map(lookup, doc.to_array(orth).tolist())))


class NltkTokens:
    """spaCy ``sentencizer`` splits sentences (NLTK's punkt data is not installable here),
    then NLTK's ``TreebankWordTokenizer`` splits each sentence into Penn Treebank tokens."""

    def __init__(self, normalizer: TokenNormalizer) -> None:
        from nltk.tokenize import TreebankWordTokenizer

        self._nlp = blank_english(sentencizer=True)
        self._tokenize = TreebankWordTokenizer().tokenize
        self._norm = normalizer

    def __call__(self, texts: Iterable[str]) -> Iterator[list[str]]:
        norm, tokenize = self._norm, self._tokenize
        for doc in self._nlp.pipe(texts, batch_size=256):
            out: list[str] = []
            for sent in doc.sents:
                out.extend(t for t in map(norm, tokenize(sent.text)) if t is not None)
            yield out
