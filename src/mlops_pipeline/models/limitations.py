"""Where a model is weak: the ``limitations`` of its card (issue 26 part 5).

One place writes the text of every family, from facts the card carries (training rows,
features, truncation length, training subset, short-text scores measured on val):
:func:`describe` is what :func:`mlops_pipeline.models.base.write_card` fills in when a family
saves a card without limitations. The README's "Limitations" section and docs/models.md give
the measured numbers behind the general statements.
"""

from __future__ import annotations

from typing import Any

CLASSICAL = frozenset({"logreg", "linear_svm", "mnb", "nbsvm"})
BAG_OF_WORDS = frozenset({"bow", "tfidf", "ngrams"})

DOMAIN = (
    "English only, one domain: trained and validated on IMDb movie reviews; other domains "
    "(product reviews, tweets, news, support tickets) and other languages are untested and "
    "likely less accurate."
)
POLARITY = (
    "Two classes only (negative/positive): neutral or mixed texts get a forced choice, and "
    "the probabilities are calibrated on IMDb reviews, not on other data."
)
SHORT = (
    "Learned from whole reviews: one-sentence inputs (titles, tweets, one-line comments) are "
    "much less accurate (docs/models.md 'Short reviews')."
)
ORDERLESS = (
    "Word order is lost beyond {order}: negation scope ('not bad at all', 'hardly the best'), "
    "sarcasm and irony are known weaknesses."
)
UNSEEN = {
    "bow": "Words not in its training vocabulary are ignored.",
    "tfidf": "Words not in its training vocabulary are ignored.",
    "ngrams": "Words and n-grams not in its training vocabulary are ignored.",
    "word2vec": (
        "Averaged Word2Vec vectors: words outside the Word2Vec vocabulary are ignored (a text "
        "of only unknown words gets a zero vector)."
    ),
    "fasttext": (
        "Averaged FastText vectors: unseen words get vectors from their character n-grams, "
        "which can be misleading for misspellings and rare words."
    ),
    "doc2vec": (
        "Paragraph vector inferred per text (seeded, fixed epochs): words outside the Doc2Vec "
        "vocabulary are ignored, and very short texts give noisy vectors."
    ),
}


def _trained_on(card: Any) -> str:
    extra = card.extra or {}
    median = extra.get("train_median_words")
    tail = f" (median {median:g} words)" if median is not None else ""
    if card.family != "ensemble":
        return f"Trained on {int(card.train_rows):,} English IMDb movie reviews{tail}."
    rows = [m.get("train_rows") or 0 for m in extra.get("members") or []]
    most = f"up to {max(rows):,} " if rows and max(rows) else ""
    return (
        f"Members trained on {most}English IMDb movie reviews{tail}; the combiner was fitted "
        f"on {int(card.train_rows):,} val reviews."
    )


def _representation(features: str) -> str:
    for key in UNSEEN:
        if features.startswith(key):
            return key
    return features


def _classical(card: Any) -> list[str]:
    rep = _representation(card.features)
    ngram = (card.extra or {}).get("ngram_range") or ([1, 2] if rep == "ngrams" else None)
    order = f"{ngram[1]}-grams" if rep in BAG_OF_WORDS and ngram else "single words"
    if rep not in BAG_OF_WORDS:
        order = "the averaged document vector"
    return [ORDERLESS.format(order=order), UNSEEN.get(rep, "Unseen words are ignored.")]


def _sequence(card: Any, unit: str) -> list[str]:
    encoding = (card.params or {}).get("encoding") or {}
    length, how = encoding.get("max_length"), encoding.get("truncation", "head")
    if length is None:
        return []
    kept = {
        "head": "the first",
        "tail": "the last",
        "head_tail": f"the first {encoding.get('head', 0.25):.0%} and the last",
    }.get(how, how)
    return [f"Reads at most {length} {unit} ({kept} of a longer text): the rest is not seen."]


def _deep(card: Any) -> list[str]:
    if card.family == "lstm":
        size = (card.extra or {}).get("vocab_size")
        vocab = f"its {size:,}-entry vocabulary" if size else "its vocabulary"
        return [
            *_sequence(card, "tokens"),
            f"Tokens outside {vocab} (built from training reviews) share one unknown vector.",
        ]
    lines = _sequence(card, "word pieces")
    if card.device == "cpu" or int(card.train_rows) < 10_000:
        lines.append(
            f"Fine-tuned on a {int(card.train_rows):,}-review subset of fit (the CPU "
            "configuration), not on all training reviews."
        )
    return lines


def _short_scores(card: Any) -> list[str]:
    route = (card.extra or {}).get("short_route")
    if not route:
        return [SHORT]
    chosen, off = route["chosen"], route["off"]
    if int(route["max_words"]) <= 0:
        return [
            f"{SHORT[:-1]}; measured on val first sentences: "
            f"{off['val_one_sentence_accuracy']:.3f} (whole reviews {off['val_accuracy']:.3f})."
        ]
    return [
        f"Inputs of at most {route['max_words']} words are answered by {route['model_id']} "
        f"alone. Measured on val first sentences: {chosen['val_one_sentence_accuracy']:.3f} "
        f"(without the route {off['val_one_sentence_accuracy']:.3f}; whole reviews "
        f"{chosen['val_accuracy']:.3f}): short inputs remain far less accurate than reviews."
    ]


def describe(card: Any) -> list[str]:
    """The limitations of a model, one sentence each, from its :class:`ModelCard`."""
    lines = [_trained_on(card), DOMAIN, POLARITY]
    if card.family in CLASSICAL:
        lines += _classical(card)
    elif card.family in ("lstm", "bert"):
        lines += _deep(card)
    elif card.family == "ensemble":
        members = (card.params or {}).get("members") or []
        lines.append(
            f"Combines {', '.join(members)} and shares their weaknesses (the bag-of-words "
            "members lose word order: negation scope, sarcasm)."
        )
    return [*lines, *_short_scores(card)]


def version_description(card: Any) -> str:
    """A registered version's description: what the model is, its val accuracy and its
    limitations (the card's; :func:`describe` for a card written before they existed)."""
    accuracy = (card.val_metrics or {}).get("accuracy")
    score = f", val accuracy {float(accuracy):.4f}" if accuracy is not None else ""
    lines = card.limitations or describe(card)
    return "\n".join(
        [f"{card.model_id} ({card.family}{score}).", "", "Limitations:", *(f"- {x}" for x in lines)]
    )
