"""Stage 3: the negation-aware stop-word filter the consumers switch on."""

from __future__ import annotations

from mlops_pipeline.text import (
    DEFAULT_STOP_WORDS,
    NEGATIONS,
    TextPreprocessor,
    filter_stop_words,
    make_stop_word_filter,
)


def test_filter_keeps_negations_and_drops_plain_stop_words() -> None:
    tokens = ["this", "is", "not", "a", "good", "movie", "but", "i", "did", "n't", "never", "no"]
    assert filter_stop_words(tokens) == ["not", "good", "movie", "but", "n't", "never", "no"]


def test_negations_are_in_the_generic_list_so_keep_is_what_saves_them() -> None:
    assert {"not", "no", "never", "n't", "but", "nor"} <= DEFAULT_STOP_WORDS
    assert {"not", "no", "never", "n't", "but", "nor"} <= NEGATIONS
    assert filter_stop_words(["not", "good"], keep=()) == ["good"]


def test_stop_words_and_keep_are_configurable() -> None:
    assert filter_stop_words(["the", "film", "not"], stop_words={"film", "not"}) == ["the", "not"]
    assert filter_stop_words(["the", "film", "not"], stop_words={"film", "not"}, keep={"film"}) == [
        "the",
        "film",
    ]
    bulk = make_stop_word_filter(keep={"not", "the"})
    assert bulk(["the", "film", "is", "not"]) == ["the", "film", "not"]


def test_filter_on_pipeline_tokens_keeps_the_negation() -> None:
    (tokens,) = TextPreprocessor({}).tokens(["I didn't like it, it is not good!"])
    assert "not" in filter_stop_words(tokens) and "good" in filter_stop_words(tokens)
    assert "it" not in filter_stop_words(tokens)
