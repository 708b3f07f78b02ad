"""The preprocessor every text consumer shares: the ``preprocess`` pipeline writes its output,
and models rebuild it from :meth:`TextPreprocessor.to_config` to score RAW text (no skew)."""

from __future__ import annotations

import copy
import logging
import multiprocessing
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from tqdm.auto import tqdm

from .cleaning import TextCleaner
from .tokenize import (
    TOKENIZERS,
    NltkTokens,
    SpacyTokens,
    TokenNormalizer,
    make_lemmatizer,
    make_stemmer,
)

logger = logging.getLogger(__name__)

#: Defaults for every key of ``preprocess.text`` in ``conf/base/parameters_preprocess.yml`` (see
#: docs/preprocess.md): the options that change the tokens. Speed knobs (``n_process``,
#: ``chunk_size``, ``show_progress``) are arguments of :meth:`TextPreprocessor.tokens` and
#: :meth:`TextPreprocessor.light_and_tokens`, never part of the config a model stores or hashes.
DEFAULT_CONFIG: dict[str, Any] = {
    "clean": {
        "strip_html": True,
        "unescape_entities": True,
        "remove_urls": True,
        "normalize_unicode": True,
        "normalize_whitespace": True,
        "lowercase": True,
        "remove_numbers": False,
    },
    "tokenizer": "spacy",
    "drop_punct": True,
    "keep_punct": ["!", "?"],
    "lemmatizer": "lookup",
    # Context-free lookup errors that matter for sentiment ("worst" -> "wrong", "well" ->
    # "good"), and contraction halves the table misses ("ca n't" -> "can not"); the table maps
    # "'s" to "have", but it is mostly is/possessive, so it is left alone.
    "lemma_overrides": {
        "'s": "'s",
        "ca": "can",
        "wo": "will",
        "sha": "shall",
        "ai": "be",
        "worst": "bad",
        "worse": "bad",
        "best": "good",
        "better": "good",
        "well": "well",
    },
    "stemmer": "none",
}


def resolve_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with ``config`` (``clean`` merged key by key); unknown keys raise,
    because a misspelt switch would otherwise silently do nothing."""
    resolved = copy.deepcopy(DEFAULT_CONFIG)
    for key, value in (config or {}).items():
        if key not in resolved:
            raise ValueError(
                f"Unknown preprocess.text option {key!r}; known: {sorted(resolved)} "
                "(speed knobs n_process / chunk_size / show_progress belong in preprocess.speed)"
            )
        if key == "clean":
            unknown = set(value or {}) - set(resolved["clean"])
            if unknown:
                raise ValueError(
                    f"Unknown preprocess.text.clean option(s) {sorted(unknown)}; "
                    f"known: {sorted(resolved['clean'])}"
                )
            resolved["clean"].update({k: bool(v) for k, v in (value or {}).items()})
        elif key in ("keep_punct",):
            resolved[key] = [str(v) for v in value or []]
        elif key == "lemma_overrides":
            resolved[key] = {str(k): str(v) for k, v in (value or {}).items()}
        else:
            resolved[key] = value
    if resolved["tokenizer"] not in TOKENIZERS:
        raise ValueError(
            f"preprocess.text.tokenizer must be one of {TOKENIZERS}, got {resolved['tokenizer']!r}"
        )
    return resolved


# The preprocessor a pool worker uses: inherited through fork, or rebuilt by the initializer
# from the config (spawn / forkserver start methods).
_WORKER: TextPreprocessor | None = None


def _init_worker(config: dict[str, Any]) -> None:
    global _WORKER
    if _WORKER is None or _WORKER.to_config() != config:
        _WORKER = TextPreprocessor(config)


def _work(task: tuple[list[str], bool]) -> tuple[list[str] | None, list[list[str]]]:
    assert _WORKER is not None
    return _WORKER._process_serial(*task)


class TextPreprocessor:
    """Cleaning -> tokenization -> punctuation drop -> lemmatization / stemming.

    ``light`` gives ``text_light`` and ``tokens`` gives ``tokens`` exactly as the ``preprocess``
    pipeline writes them. Heavy resources (spaCy, lookup tables) load on first use; pickling
    keeps only the config, so a model holding a preprocessor stays cheap to copy and save.
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self._config = resolve_config(config)
        self.cleaner = TextCleaner(**self._config["clean"])
        self._tokenizer: SpacyTokens | NltkTokens | None = None

    def to_config(self) -> dict[str, Any]:
        """JSON-serialisable resolved config: ``TextPreprocessor(cfg)`` rebuilds this one."""
        return copy.deepcopy(self._config)

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self._config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["config"])

    def __repr__(self) -> str:
        c = self._config
        return (
            f"TextPreprocessor(tokenizer={c['tokenizer']!r}, lemmatizer={c['lemmatizer']!r}, "
            f"stemmer={c['stemmer']!r})"
        )

    def _get_tokenizer(self) -> SpacyTokens | NltkTokens:
        if self._tokenizer is None:
            c = self._config
            normalizer = TokenNormalizer(
                lemmatizer=make_lemmatizer(c["lemmatizer"], c["lemma_overrides"]),
                stemmer=make_stemmer(c["stemmer"]),
                drop_punct=bool(c["drop_punct"]),
                keep_punct=c["keep_punct"],
            )
            cls = SpacyTokens if c["tokenizer"] == "spacy" else NltkTokens
            self._tokenizer = cls(normalizer)
        return self._tokenizer

    def light(self, texts: Sequence[str]) -> list[str]:
        """``text_light``: HTML/URL/unicode/whitespace cleaned, case and punctuation kept."""
        return [self.cleaner.light(t) for t in texts]

    def clean(self, texts: Sequence[str]) -> list[str]:
        """The fully cleaned text the tokenizer sees (lowercased, numbers removed if set)."""
        return [self.cleaner.full(t) for t in texts]

    def _process_serial(
        self, texts: Sequence[str], with_light: bool
    ) -> tuple[list[str] | None, list[list[str]]]:
        cleaner, tokenizer = self.cleaner, self._get_tokenizer()
        if not with_light:
            return None, list(tokenizer(cleaner.full(t) for t in texts))
        # ``full`` starts with ``light``: compute it once and finish the rest from it.
        light = [cleaner.light(t) for t in texts]
        return light, list(tokenizer(cleaner.finish(t) for t in light))

    def tokens(
        self,
        texts: Sequence[str],
        n_process: int = 1,
        show_progress: bool = False,
        chunk_size: int = 1000,
    ) -> list[list[str]]:
        """One token list per text, in order (empty list for empty / markup-only text).

        Speed knobs only (the output never depends on them): ``n_process > 1`` (``-1``: all
        cores) splits ``texts`` into ``chunk_size`` chunks for a process pool; each worker
        cleans, tokenizes and lemmatizes a whole chunk, so only raw text goes out and token
        lists come back. ``show_progress`` draws a tqdm bar.
        """
        return self._run(texts, n_process, show_progress, chunk_size, with_light=False)[1]

    def light_and_tokens(
        self,
        texts: Sequence[str],
        n_process: int = 1,
        show_progress: bool = False,
        chunk_size: int = 1000,
    ) -> tuple[list[str], list[list[str]]]:
        """``(light(texts), tokens(texts))`` in one parallel pass (what the pipeline writes)."""
        light, tokens = self._run(texts, n_process, show_progress, chunk_size, with_light=True)
        assert light is not None
        return light, tokens

    def _run(
        self,
        texts: Sequence[str],
        n_process: int,
        show_progress: bool,
        chunk_size: int,
        with_light: bool,
    ) -> tuple[list[str] | None, list[list[str]]]:
        texts = list(texts)
        n_process = (os.cpu_count() or 1) if n_process == -1 else max(1, int(n_process))
        chunk = max(1, int(chunk_size))
        tasks = [(texts[i : i + chunk], with_light) for i in range(0, len(texts), chunk)]
        n_process = min(n_process, len(tasks))
        light: list[str] = []
        tokens: list[list[str]] = []
        with tqdm(
            total=len(texts), unit="review", desc="preprocess", disable=not show_progress
        ) as bar:
            for part_light, part_tokens in self._map_tasks(tasks, n_process):
                if part_light is not None:
                    light.extend(part_light)
                tokens.extend(part_tokens)
                bar.update(len(part_tokens))
        return (light if with_light else None), tokens

    def _map_tasks(
        self, tasks: list[tuple[list[str], bool]], n_process: int
    ) -> Iterator[tuple[list[str] | None, list[list[str]]]]:
        if n_process <= 1:
            for task in tasks:
                yield self._process_serial(*task)
            return
        global _WORKER
        ctx = multiprocessing.get_context()
        if ctx.get_start_method() == "fork":
            # Children inherit this object (and whatever it already loaded) for free.
            _WORKER = self
        try:
            with ctx.Pool(n_process, initializer=_init_worker, initargs=(self._config,)) as pool:
                yield from pool.imap(_work, tasks)
        finally:
            _WORKER = None
