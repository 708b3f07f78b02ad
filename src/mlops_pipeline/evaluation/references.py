"""Published IMDb test accuracies each leaderboard row should be compared with (issue 15).

Every number is the accuracy a paper reports on the aclImdb test set (25 000 reviews, the
same split this project scores once). :func:`reference_for` picks, from a model card, the
published model closest to it (same family and n-gram order where one exists); the leaderboard
then says whether the measured test accuracy is above or below it. Rows without a comparable
published number say so instead of borrowing an unrelated one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reference:
    """One published result: a short name, its test accuracy (0-1) and where it comes from."""

    name: str
    accuracy: float
    source: str

    def label(self) -> str:
        return f"{self.name} {100 * self.accuracy:.2f} % ({self.source})"


WANG_MANNING = "Wang & Manning 2012"
MESNIL = "Mesnil et al. 2014"

#: Wang & Manning 2012 ("Baselines and Bigrams", Table on the large IMDB dataset of Maas et
#: al.), Mesnil et al. 2014 ("Ensemble of Generative and Discriminative Techniques for
#: Sentiment Analysis of Movie Reviews"), Dai & Le 2015 ("Semi-supervised Sequence Learning",
#: plain LSTM baseline, 13.50 % error), Sun et al. 2019 ("How to Fine-Tune BERT for Text
#: Classification?", BERT-base fine-tuned, 5.40 % error).
REFERENCES: dict[str, Reference] = {
    "mnb_uni": Reference("MNB-uni", 0.8355, WANG_MANNING),
    "mnb_bi": Reference("MNB-bi", 0.8659, WANG_MANNING),
    "svm_uni": Reference("SVM-uni", 0.8695, WANG_MANNING),
    "svm_bi": Reference("SVM-bi", 0.8916, WANG_MANNING),
    "nbsvm_uni": Reference("NBSVM-uni", 0.8829, WANG_MANNING),
    "nbsvm_bi": Reference("NBSVM-bi", 0.9122, WANG_MANNING),
    "nbsvm_tri": Reference("NBSVM-trigram", 0.9187, MESNIL),
    "ensemble": Reference("ensemble (NBSVM + RNNLM + paragraph vectors)", 0.9257, MESNIL),
    # Mesnil et al.'s paragraph vectors alone, once Le & Mikolov's test-order leak is removed
    "paragraph_vectors": Reference("paragraph vectors", 0.8873, MESNIL),
    "lstm": Reference("LSTM", 0.8650, "Dai & Le 2015"),
    "bert": Reference("BERT-base fine-tuned", 0.9460, "Sun et al. 2019"),
}

#: n-gram order -> reference key, per family of linear n-gram model.
_NGRAM_FAMILIES = {
    "nbsvm": {1: "nbsvm_uni", 2: "nbsvm_bi", 3: "nbsvm_tri"},
    "mnb": {1: "mnb_uni", 2: "mnb_bi"},
    # a linear discriminative classifier on the same n-grams: Wang & Manning's SVM rows
    "linear_svm": {1: "svm_uni", 2: "svm_bi"},
    "logreg": {1: "svm_uni", 2: "svm_bi"},
}


def _max_ngram(card: Mapping[str, Any]) -> int | None:
    extra = card.get("extra") or {}
    if extra.get("ngram_range"):
        return int(extra["ngram_range"][1])
    return {"bow": 1, "tfidf": 2}.get(str(card.get("features")))  # before cards recorded it


def reference_for(card: Mapping[str, Any]) -> Reference | None:
    """The published result a model (its card as a dict) should be compared with, if any."""
    family = str(card.get("family") or "")
    if family == "ensemble":
        return REFERENCES["ensemble"]
    if family == "lstm":
        return REFERENCES["lstm"]
    if "bert" in family.lower() or "transformer" in family.lower():
        return REFERENCES["bert"]
    if (card.get("extra") or {}).get("representation_kind") == "paragraph_embedder":
        return REFERENCES["paragraph_vectors"]
    if (card.get("extra") or {}).get("representation_kind") == "document_embedder":
        return None  # averaged word vectors: no published number on the same footing
    order = _max_ngram(card)
    key = _NGRAM_FAMILIES.get(family, {}).get(order) if order is not None else None
    return REFERENCES[key] if key else None


def compare(accuracy: float | None, card: Mapping[str, Any]) -> tuple[str, str]:
    """``(reference, verdict)`` for the leaderboard: e.g. ``("NBSVM-bi 91.22 % (Wang & Manning
    2012)", "above (+0.10 pt)")``; ``("-", "no published reference")`` when none applies."""
    ref = reference_for(card)
    if ref is None or accuracy is None:
        return "-", "no published reference"
    gap = 100 * (float(accuracy) - ref.accuracy)
    side = "above" if gap > 0 else "below" if gap < 0 else "equal to"
    return ref.label(), f"{side} ({gap:+.2f} pt)"
