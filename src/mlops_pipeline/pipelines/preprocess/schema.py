"""Schema of ``conf/base/parameters_preprocess.yml`` (see :mod:`mlops_pipeline.params`).

Defaults are those of :data:`mlops_pipeline.text.DEFAULT_CONFIG` (``preprocess.text``) and of
:meth:`mlops_pipeline.text.TextPreprocessor.light_and_tokens` (``preprocess.speed``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from mlops_pipeline.params import StrictModel
from mlops_pipeline.text import DEFAULT_CONFIG

_CLEAN = DEFAULT_CONFIG["clean"]


class Clean(StrictModel):
    """Stage 1, text cleaning (`text_light` uses the first five steps only)."""

    strip_html: bool = Field(
        default=_CLEAN["strip_html"], description='HTML tags ("<br />", "<i>x</i>") -> a space.'
    )
    unescape_entities: bool = Field(
        default=_CLEAN["unescape_entities"], description='HTML entities ("&amp;" -> "&").'
    )
    remove_urls: bool = Field(
        default=_CLEAN["remove_urls"], description="Remove http(s)://, ftp:// and www. links."
    )
    normalize_unicode: bool = Field(
        default=_CLEAN["normalize_unicode"],
        description="NFKC, and typographic apostrophes / quotes -> ASCII.",
    )
    normalize_whitespace: bool = Field(
        default=_CLEAN["normalize_whitespace"],
        description="Runs of whitespace -> one space, stripped.",
    )
    lowercase: bool = Field(default=_CLEAN["lowercase"], description="Lowercase (tokens only).")
    remove_numbers: bool = Field(
        default=_CLEAN["remove_numbers"],
        description='Drop stand-alone numbers ("10", "7.5"; not "80s"); tokens only.',
    )


class Text(StrictModel):
    """Options that change the tokens. Models store and hash exactly this section
    (`TextPreprocessor(text)`); `{}` means every default."""

    clean: Clean = Field(default_factory=Clean, description="Stage 1: cleaning switches.")
    tokenizer: Literal["spacy", "nltk"] = Field(
        default=DEFAULT_CONFIG["tokenizer"],
        description='Stage 2: `spacy` (spacy.blank("en")) or `nltk` (Treebank + sentencizer).',
    )
    drop_punct: bool = Field(
        default=DEFAULT_CONFIG["drop_punct"],
        description='Drop punctuation tokens AFTER tokenizing ("did", "n\'t" survive).',
    )
    keep_punct: list[str] = Field(
        default=list(DEFAULT_CONFIG["keep_punct"]),
        description="Punctuation tokens that stay when `drop_punct` is on (sentiment signal).",
    )
    lemmatizer: Literal["lookup", "wordnet", "none"] = Field(
        default=DEFAULT_CONFIG["lemmatizer"],
        description="Stage 4: `lookup` (spaCy lookups table), `wordnet` (+POS) or `none`.",
    )
    lemma_overrides: dict[str, str] = Field(
        default=dict(DEFAULT_CONFIG["lemma_overrides"]),
        description="token -> lemma, applied before the lemmatizer (docs/preprocess.md).",
    )
    stemmer: Literal["none", "porter", "snowball"] = Field(
        default=DEFAULT_CONFIG["stemmer"],
        description="Applied after the lemmatizer: `none`, `porter` or `snowball`.",
    )


class Speed(StrictModel):
    """Speed knobs: the output is identical for any value, so no model hashes them."""

    n_process: int = Field(
        default=1,
        ge=-1,
        description="Worker processes (`-1`: all cores; `1`: in-process; `0` is not allowed).",
    )
    chunk_size: int = Field(default=1000, ge=1, description="Reviews per worker task.")
    show_progress: bool = Field(default=False, description="Draw a tqdm progress bar.")

    @field_validator("n_process")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("0 processes: use -1 (all cores) or a count >= 1")
        return value


class Parameters(StrictModel):
    """Pipeline `preprocess`: reviews -> `text_light` and `tokens` (docs/preprocess.md; output
    contract: DESIGN.md "Tokens"). Stop words are not removed here: consumers filter them."""

    text: Text = Field(description="Options that change the tokens (hashed into every model).")
    speed: Speed = Field(description="Worker processes and progress bar (never change output).")
