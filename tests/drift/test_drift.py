"""The drift check: quiet on two samples of one distribution, loud on short, different text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.drift import (
    DESCRIPTORS,
    SUMMARY_KEYS,
    ChampionScores,
    TextTools,
    compute_descriptors,
    gate_drift,
    report_html,
    run_drift,
    select_thresholds,
    snapshot_dict,
)
from mlops_pipeline.embeddings import DocumentEmbedder

WORDS = [f"w{i}" for i in range(300)]
OTHER = [f"z{i}" for i in range(300)]
SET = {
    "text": 0.6,
    "embeddings": 0.6,
    "prediction": 0.25,
    "descriptors": {name: 0.25 for name in DESCRIPTORS},
}
LOOSE = {**SET, "text": 0.9, "descriptors": {name: 0.9 for name in DESCRIPTORS}}
PARAMS = {
    "sample_size": 300,
    "drift_share": 0.1,
    "explain_text": False,
    "oov_vocabulary_size": 1000,
    "thresholds": {20: LOOSE, 200: SET},  # by calibrated sample size
}


def _reviews(n: int, seed: int, words=WORDS, length=(60, 120), style="imdb") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(words) + 1)
    p /= p.sum()
    texts, tokens = [], []
    for _ in range(n):
        toks = list(rng.choice(words, size=rng.integers(*length), p=p))
        text = " ".join(toks).capitalize()
        if style == "imdb":
            text += ". Really! <br /><br />Worth it?"
            toks += ["really", "!", "worth", "it", "?"]
        texts.append(text)
        tokens.append(toks)
    return pd.DataFrame({"text": texts, "tokens": tokens})


@pytest.fixture(scope="module")
def embedder() -> DocumentEmbedder:
    vocab = WORDS + ["really", "!", "worth", "it", "?"]
    rng = np.random.default_rng(0)
    return DocumentEmbedder(
        keys=vocab,
        vectors=rng.normal(size=(len(vocab), 8)),
        idf_terms=vocab,
        idf_values=np.ones(len(vocab)),
        n_idf_docs=100,
        pooling="mean",
    )


def _run(reference, current, embedder, champion=None, **kw):
    tools = TextTools(vocabulary=embedder.keys, embedder=embedder)
    return run_drift(
        reference, current, params=PARAMS, seed=0, tools=tools, champion=champion, **kw
    )


def test_same_distribution_is_quiet(embedder):
    rng = np.random.default_rng(1)
    result = _run(
        _reviews(500, 1),
        _reviews(500, 2),
        embedder,
        ChampionScores(reference_proba=rng.random(400), current_proba=rng.random(500)),
    )
    summary = result.summary
    assert summary["drift_detected"] is False, summary
    assert summary["n_drifted"] == 0
    assert set(summary["signals"]) == {"text", "embeddings", "prediction"} | {
        f"descriptor:{d}" for d in DESCRIPTORS
    }


def test_short_different_text_drifts_on_text_and_length(embedder):
    current = _reviews(300, 3, words=OTHER, length=(3, 8), style="plain")
    summary = _run(_reviews(500, 1), current, embedder).summary
    assert summary["drift_detected"] is True
    assert summary["signals"]["text"]["drifted"]
    assert summary["signals"]["descriptor:length_tokens"]["drifted"]
    assert summary["signals"]["descriptor:oov_share"]["drifted"]


def test_summary_keys_and_outputs_serialise(embedder):
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 300)
    result = _run(
        _reviews(300, 1),
        _reviews(300, 2),
        embedder,
        ChampionScores(
            reference_proba=rng.random(300),
            current_proba=rng.random(300),
            reference_labels=rng.integers(0, 2, 300),
            current_labels=labels,
        ),
        explain_text=True,
    )
    summary = result.summary
    assert tuple(summary) == SUMMARY_KEYS
    for signal in summary["signals"].values():
        assert set(signal) == {"score", "threshold", "drifted"}
    assert set(summary["quality"]) == {"reference", "current"}
    assert summary["quality"]["current"]["rows"] == 300
    json.dumps(summary)
    assert "metrics" in snapshot_dict(result.snapshot)
    html = report_html(summary, result.snapshot)
    assert html.lstrip().lower().startswith("<html") or "<html" in html[:500].lower()


def test_frames_without_tokens_use_the_preprocessor(embedder):
    class Splitter:
        def tokens(self, texts, n_process=1):
            return [t.lower().replace(".", " ").split() for t in texts]

    ref = _reviews(200, 1).drop(columns="tokens")
    cur = _reviews(200, 2).drop(columns="tokens")
    summary = run_drift(ref, cur, params=PARAMS, tools=TextTools(preprocessor=Splitter())).summary
    assert "embeddings" not in summary["signals"] and not summary["drift_detected"]
    # no vocabulary: no oov_share signal (it would compare zeros with zeros)
    assert "descriptor:oov_share" not in summary["signals"]


def test_thresholds_follow_the_sample_size():
    thresholds = {"50": {"text": 0.8}, 200: {"text": 0.7}, 5000: {"text": 0.6}}
    assert select_thresholds(thresholds, 49) is None
    assert select_thresholds(thresholds, 50) == (50, {"text": 0.8})
    assert select_thresholds(thresholds, 4999) == (200, {"text": 0.7})
    assert select_thresholds(thresholds, 10**6) == (5000, {"text": 0.6})


def test_a_batch_below_the_smallest_calibrated_size_is_too_small_to_measure(embedder):
    result = _run(_reviews(300, 1), _reviews(5, 2, words=OTHER, style="plain"), embedder)
    summary = result.summary
    assert summary["measurable"] is False and summary["drift_detected"] is None
    assert summary["reason"].startswith("too small to measure: 5 rows")
    assert summary["signals"] == {} and result.snapshot is None
    assert tuple(summary) == SUMMARY_KEYS
    json.dumps(summary)


def test_a_small_batch_uses_its_own_thresholds(embedder):
    summary = _run(_reviews(300, 1), _reviews(40, 2), embedder).summary
    assert summary["measurable"] and summary["calibrated_rows"] == 20
    assert summary["signals"]["text"]["threshold"] == LOOSE["text"]
    assert summary["drift_detected"] is False, summary


def test_the_gate_sees_texts_only_and_fires_on_a_different_form(embedder):
    class Splitter:
        def tokens(self, texts, n_process=1):
            return [t.lower().replace(".", " ").split() for t in texts]

    reference = _reviews(300, 1)
    clean = gate_drift(
        reference, _reviews(250, 2)["text"], PARAMS, seed=0, preprocessor=Splitter()
    ).summary
    assert clean["drift_detected"] is False, clean
    assert "prediction" not in clean["signals"] and "embeddings" not in clean["signals"]
    shouting = [t.upper() + "!!!" for t in _reviews(250, 3)["text"]]
    loud = gate_drift(
        reference, shouting, PARAMS, seed=0, preprocessor=Splitter(), embedder=embedder
    ).summary
    assert loud["drift_detected"] is True
    assert loud["signals"]["descriptor:uppercase_share"]["drifted"]
    assert "embeddings" in loud["signals"]


def test_descriptors_values():
    frame = compute_descriptors(
        ["Hello WORLD! <br />", "abc?"],
        [["hello", "world", "!"], ["abc", "?"]],
        pd.Index(["hello", "abc"]),
    )
    assert list(frame.columns) == list(DESCRIPTORS)
    assert frame["length_tokens"].tolist() == [3.0, 2.0]
    assert frame["oov_share"].tolist() == pytest.approx([2 / 3, 0.5])
    assert frame["html_residue"].tolist() == [1.0, 0.0]
    assert frame["uppercase_share"].tolist()[1] == 0.0
    assert frame["uppercase_share"].tolist()[0] == pytest.approx(6 / 12)


def test_a_vocabulary_too_small_for_the_text_classifier_leaves_the_text_signal_out(embedder):
    rng = np.random.default_rng(0)
    words = ["great", "film", "awful", "plot", "i", "loved", "the", "acting", "boring", "story"]

    def texts(n: int) -> list[str]:
        return [" ".join(rng.choice(words, size=rng.integers(8, 30))) + "." for _ in range(n)]

    reference = pd.DataFrame({"text": texts(300), "tokens": [t.split() for t in texts(300)]})
    current = pd.DataFrame({"text": texts(60), "tokens": [t.split() for t in texts(60)]})
    summary = run_drift(reference, current, params=PARAMS).summary
    assert "text" not in summary["signals"] and "text" in summary["skipped_signals"]
    assert summary["measurable"] and summary["n_signals"] == len(DESCRIPTORS) - 1  # no oov


def test_the_html_report_is_the_same_bytes_on_every_run(embedder):
    def html() -> str:
        result = _run(_reviews(200, 1), _reviews(100, 2), embedder)
        return report_html(result.summary, result.snapshot)

    assert html() == html()  # Evidently's uuid4/uuid7 ids drawn from a seeded generator
