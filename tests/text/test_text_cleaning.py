"""Stage 1: every cleaning step works and every switch turns it off."""

from __future__ import annotations

import pytest

from mlops_pipeline.text import TextCleaner, TextPreprocessor

RAW = "Great <i>film</i>!<br /><br />Tom &amp; Jerry&#39;s   best. See http://imdb.com/x?y=1 or www.a.org 10/10"


def test_html_tags_removed_and_entities_unescaped() -> None:
    light = TextCleaner().light(RAW)
    assert "<" not in light and "br" not in light and "<i>" not in light
    assert "Great film !" in light  # tags become spaces, words do not glue together
    assert "Tom & Jerry's" in light


def test_urls_removed_whitespace_collapsed_case_and_punctuation_kept() -> None:
    light = TextCleaner().light(RAW)
    assert "http" not in light and "imdb.com" not in light and "www.a.org" not in light
    assert "  " not in light and light == light.strip()
    assert light.startswith("Great") and "!" in light and "10/10" in light


def test_full_lowercases_and_optionally_removes_numbers() -> None:
    assert TextCleaner().full("Not GOOD 10/10") == "not good 10/10"
    assert TextCleaner(remove_numbers=True).full("in the 80s I rated it 7.5 of 10") == (
        "in the 80s i rated it of"
    )


def test_unicode_normalized_and_typographic_apostrophes_mapped() -> None:
    assert TextCleaner().light("didn\u2019t \ufb01ne\u00a0caf\u00e9") == "didn't fine café"
    assert TextCleaner(normalize_unicode=False).light("didn\u2019t") == "didn\u2019t"


@pytest.mark.parametrize(
    ("switch", "text", "on", "off"),
    [
        ("strip_html", "a<br />b", "a b", "a<br />b"),
        ("unescape_entities", "a &amp; b", "a & b", "a &amp; b"),
        ("remove_urls", "see https://x.io now", "see now", "see https://x.io now"),
        ("normalize_unicode", "\ufb01", "fi", "\ufb01"),
        ("normalize_whitespace", " a \n\t b ", "a b", " a \n\t b "),
        ("lowercase", "AbC", "abc", "AbC"),
        ("remove_numbers", "a 12 b", "a b", "a 12 b"),
    ],
)
def test_every_cleaning_switch_turns_its_step_off(
    switch: str, text: str, on: str, off: str
) -> None:
    assert TextCleaner().full(text) == on.lower() if switch != "remove_numbers" else True
    assert TextCleaner(**{switch: True}).full(text) == on.lower()
    assert TextCleaner(**{switch: False}).full(text).lower() == off.lower()
    # The same switches reach the cleaner through the preprocessor config.
    assert TextPreprocessor({"clean": {switch: False}}).cleaner == TextCleaner(**{switch: False})


def test_light_never_lowercases_nor_removes_numbers() -> None:
    cleaner = TextCleaner(lowercase=True, remove_numbers=True)
    assert cleaner.light("Rated 10 Stars") == "Rated 10 Stars"


@pytest.mark.parametrize("text", ["", None, "<br /><br />", "   "])
def test_empty_and_markup_only_text_clean_to_empty(text: str | None) -> None:
    assert TextCleaner().light(text) == ""
    assert TextCleaner().full(text) == ""
