"""Short reviews: the first sentence of each review, labelled with its review's label (issue 26).

Users send tweets, titles and one-line comments; this set measures how a model trained on
230-word reviews does on one sentence. The construction is fixed and depends on the text only:
the review's ``text_light`` (HTML, URLs and whitespace already cleaned by ``preprocess``) split
by spaCy's rule-based ``sentencizer`` (no download), the first sentence with any letter in it.
Built from ``test`` it is a test-fold derivative (reported, never used for a choice); the same
construction on ``val`` is what choices may use.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from mlops_pipeline.text.tokenize import blank_english


def _first(doc) -> tuple[str | None, bool]:  # noqa: ANN001 - a spaCy Doc
    """The first lettered sentence and whether a sentence follows it (so it is complete)."""
    sents = list(doc.sents)
    for i, sent in enumerate(sents):
        if any(c.isalpha() for c in sent.text):
            return sent.text.strip(), i + 1 < len(sents)
    return None, False


def first_sentences(texts: Sequence[str], prefix_chars: int = 600) -> list[str]:
    """The first sentence (with a letter) of each text; the whole text when it has none.

    Only the first ``prefix_chars`` characters are split (the sentencizer tokenizes everything
    it sees); a text whose first sentence is not complete inside that prefix is split whole,
    so the result equals splitting every full text.
    """
    nlp = blank_english(sentencizer=True)
    texts = [str(t) for t in texts]
    out: list[str] = []
    for text, doc in zip(texts, nlp.pipe([t[:prefix_chars] for t in texts]), strict=True):
        first, complete = _first(doc)
        if not complete and len(text) > prefix_chars:
            first, _ = _first(nlp(text))
        out.append(first if first else text.strip())
    return out


def short_review_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """``review_id, label, text``: ``text`` is the first sentence of ``rows.text_light``."""
    missing = {"review_id", "label", "text_light"} - set(rows.columns)
    if missing:
        raise ValueError(
            f"short reviews need columns {sorted(missing)} (the preprocess table's "
            "`text_light`); rerun `kedro run --pipelines preprocess`"
        )
    return pd.DataFrame(
        {
            "review_id": rows["review_id"].to_numpy(),
            "label": rows["label"].astype(int).to_numpy(),
            "text": first_sentences(list(rows["text_light"])),
        }
    )
