"""The leaderboard's published-reference column (issue 15)."""

from __future__ import annotations

from mlops_pipeline.evaluation import build_leaderboard
from mlops_pipeline.evaluation.references import REFERENCES, compare, reference_for


def test_each_family_and_ngram_order_gets_its_published_reference() -> None:
    nbsvm = {"family": "nbsvm", "features": "ngrams", "extra": {"ngram_range": [1, 3]}}
    assert reference_for(nbsvm) is REFERENCES["nbsvm_tri"]
    assert reference_for({"family": "nbsvm", "features": "tfidf"}) is REFERENCES["nbsvm_bi"]
    assert reference_for({"family": "mnb", "features": "bow"}) is REFERENCES["mnb_uni"]
    assert reference_for({"family": "ensemble"}) is REFERENCES["ensemble"]
    assert reference_for({"family": "lstm"}) is REFERENCES["lstm"]
    embed = {"family": "logreg", "extra": {"representation_kind": "document_embedder"}}
    assert reference_for(embed) is None
    paragraph = {"family": "logreg", "extra": {"representation_kind": "paragraph_embedder"}}
    assert reference_for(paragraph) is REFERENCES["paragraph_vectors"]


def test_verdict_says_above_or_below_with_the_gap() -> None:
    card = {"family": "nbsvm", "features": "tfidf"}
    assert compare(0.9132, card) == ("NBSVM-bi 91.22 % (Wang & Manning 2012)", "above (+0.10 pt)")
    assert compare(0.90, card)[1] == "below (-1.22 pt)"
    assert compare(
        0.9, {"family": "logreg", "extra": {"representation_kind": "document_embedder"}}
    ) == (
        "-",
        "no published reference",
    )


def test_leaderboard_carries_the_columns() -> None:
    board = build_leaderboard(
        {"ensemble": {"accuracy": 0.93, "f1": 0.93, "roc_auc": 0.97, "rows": 10}},
        {},
        {"ensemble": {"family": "ensemble", "size_bytes": 0}},
    )
    assert board.loc[0, "vs_published"] == "above (+0.43 pt)"
    assert board.loc[0, "published_reference"].startswith("ensemble")
