"""Stage 1 of the NLP pipeline: text cleaning, every step switchable.

Order matters: tags are stripped before entities are unescaped (so an escaped ``&lt;b&gt;`` in
a review stays text instead of becoming a tag), URLs go before unicode normalisation, and
whitespace is collapsed last so the holes the other steps leave become single spaces.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# IMDb's markup is almost only ``<br />``; any tag-looking span is replaced by a space so the
# words on either side do not glue together ("end.<br /><br />The" -> "end. The").
_HTML_TAG = re.compile(r"<[^<>]*>")
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)\S+", re.IGNORECASE)
# Only stand-alone numbers: "1,000", "7.5", "10" go; "80s", "mp3", "b4" stay (they are words).
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")
# NFKC leaves typographic apostrophes alone; mapping them lets "didn’t" split like "didn't".
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)


@dataclass(frozen=True)
class TextCleaner:
    """Switchable cleaning steps; :meth:`light` keeps case and punctuation, :meth:`full` not."""

    strip_html: bool = True
    unescape_entities: bool = True
    remove_urls: bool = True
    normalize_unicode: bool = True
    normalize_whitespace: bool = True
    lowercase: bool = True
    remove_numbers: bool = False

    def light(self, text: str | None) -> str:
        """HTML / URL / unicode / whitespace cleaning only: case and punctuation are kept."""
        if not text:
            return ""
        if self.strip_html and "<" in text:
            text = _HTML_TAG.sub(" ", text)
        # ``html.unescape`` costs far more than the membership test that skips it.
        if self.unescape_entities and "&" in text:
            text = html.unescape(text)
        if self.remove_urls and ("://" in text or "www." in text or "WWW." in text):
            text = _URL.sub(" ", text)
        if self.normalize_unicode and not text.isascii():
            text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
        elif self.normalize_unicode and "`" in text:
            text = text.translate(_QUOTES)
        if self.normalize_whitespace:
            # Same split as ``re.sub(r"\s+", " ", text).strip()``, about 4x faster.
            text = " ".join(text.split())
        return text

    def full(self, text: str | None) -> str:
        """:meth:`light` plus lowercasing and number removal: the text the tokenizer sees."""
        return self.finish(self.light(text))

    def finish(self, text: str) -> str:
        """The steps :meth:`full` adds to an already :meth:`light`-cleaned text."""
        if self.lowercase:
            text = text.lower()
        if self.remove_numbers:
            text = _NUMBER.sub(" ", text)
            if self.normalize_whitespace:
                text = " ".join(text.split())
        return text
