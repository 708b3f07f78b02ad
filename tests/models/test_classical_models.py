"""Model interface: NB-SVM ratio, linear heads, save/load round trips, no training/serving skew."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from synthetic_text_models import PREPROCESS, raw_reviews, tokens_of, trained_model

from mlops_pipeline.models import CARD_FIELDS, discover_models, load_model
from mlops_pipeline.models.base import RUN_FILE
from mlops_pipeline.models.classical import (
    ClassicalTextModel,
    NBSVMClassifier,
    head_from_estimator,
    log_count_ratio,
    make_estimator,
)

FAMILY_FEATURES = [
    ("logreg", "tfidf"),
    ("logreg", "bow"),
    ("logreg", "embedding"),
    ("linear_svm", "tfidf"),
    ("mnb", "bow"),
    ("mnb", "tfidf"),
    ("nbsvm", "bow"),
    ("nbsvm", "tfidf"),
]


def test_log_count_ratio_equals_hand_computed_value():
    x = sp.csr_matrix([[1, 0, 2], [0, 1, 0], [1, 1, 0]])
    y = [1, 0, 1]
    # binarized positives: rows 0 and 2 -> [2, 1, 1]; p = 1 + that = [3, 2, 2], |p| = 7
    # negatives: row 1 -> [0, 1, 0]; q = [1, 2, 1], |q| = 4
    expected = np.log([(3 / 7) / (1 / 4), (2 / 7) / (2 / 4), (2 / 7) / (1 / 4)])
    np.testing.assert_allclose(log_count_ratio(x, y, alpha=1.0), expected)
    # without binarizing the count 2 counts twice: p = [3, 2, 3], |p| = 8
    raw = np.log([(3 / 8) / (1 / 4), (2 / 8) / (2 / 4), (3 / 8) / (1 / 4)])
    np.testing.assert_allclose(log_count_ratio(x, y, alpha=1.0, binarize=False), raw)


def test_nbsvm_trains_on_ratio_scaled_binary_features():
    rng = np.random.default_rng(0)
    x = sp.csr_matrix(rng.poisson(0.6, size=(60, 12)))
    y = (np.asarray(x[:, 0].todense()).ravel() > 0).astype(int)
    model = NBSVMClassifier(C=1.0).fit(x, y)
    scaled = (x > 0).astype(float).multiply(model.r_)
    np.testing.assert_allclose(
        model.classifier_.decision_function(scaled.tocsr()), model.decision_function(x)
    )
    assert model.r_[0] > 0  # feature 0 defines the positive class


@pytest.mark.parametrize("family", ["logreg", "linear_svm", "mnb", "nbsvm"])
def test_linear_head_reproduces_sklearn_probabilities(family):
    rng = np.random.default_rng(1)
    x = sp.csr_matrix(rng.poisson(0.5, size=(90, 15)).astype(float))
    y = (np.asarray(x[:, :3].sum(axis=1)).ravel() > 1).astype(int)
    estimator = make_estimator(family, {}, seed=0).fit(x, y)
    np.testing.assert_allclose(
        head_from_estimator(estimator).predict_proba(x), estimator.predict_proba(x), atol=1e-9
    )


@pytest.mark.parametrize(("family", "features"), FAMILY_FEATURES)
def test_every_family_round_trips_save_load_with_identical_probabilities(
    tmp_path, family, features
):
    model, frame = trained_model(family, features)
    texts = frame.loc[frame["fold"] == "test", "text"].tolist()
    before = model.predict_proba(texts)
    assert before.shape == (len(texts), 2)
    np.testing.assert_allclose(before.sum(axis=1), 1.0)
    folder = model.save(tmp_path / model.model_id)
    loaded = load_model(folder)
    assert isinstance(loaded, ClassicalTextModel)
    np.testing.assert_array_equal(loaded.predict_proba(texts), before)
    # the folder holds no pickle
    assert not [p for p in folder.rglob("*") if p.suffix in {".pkl", ".pickle", ".joblib"}]


@pytest.mark.parametrize(("family", "features"), [("logreg", "tfidf"), ("nbsvm", "bow")])
def test_raw_text_path_equals_cached_matrix_path(family, features):
    model, frame = trained_model(family, features)
    test = frame[frame["fold"] == "test"].copy()
    # what the features stage caches: the representation applied to the preprocess tokens
    test["tokens"] = tokens_of(test["text"].tolist())
    cached = model.representation.transform(test["tokens"].tolist())
    from_matrix = model.predict_proba_matrix(cached)
    np.testing.assert_allclose(model.predict_proba(test["text"].tolist()), from_matrix, atol=1e-12)
    np.testing.assert_allclose(model.predict_proba_prepared(test), from_matrix, atol=1e-12)


def test_model_card_has_every_documented_field(tmp_path):
    model, frame = trained_model("logreg", "tfidf")
    folder = model.save(tmp_path / "m")
    card = json.loads((folder / "model_card.json").read_text())
    run_info = json.loads((folder / RUN_FILE).read_text())  # per-run fields, beside the card
    assert set(CARD_FIELDS) <= set(card) | set(run_info)
    assert {"train_seconds", "created_at"} <= set(run_info) and "train_seconds" not in card
    assert card["model_id"] == "logreg__tfidf"
    assert card["family"] == "logreg" and card["features"] == "tfidf"
    assert card["train_rows"] == int((frame["fold"] != "test").sum())
    assert card["size_bytes"] == sum(
        p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and p.name not in ("model_card.json", RUN_FILE)
    )
    assert card["device"] == "cpu" and run_info["train_seconds"] >= 0
    assert len(card["data_hash"]) == 64 and len(card["params_hash"]) == 64
    assert json.loads((folder / "preprocess.json").read_text())["lemmatizer"] == "none"


def test_load_refuses_a_card_naming_code_outside_the_project(tmp_path):
    model, _ = trained_model("logreg", "tfidf")
    folder = model.save(tmp_path / "m")
    card = json.loads((folder / "model_card.json").read_text())
    card["interface"] = "os:system"
    (folder / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ValueError, match="outside"):
        load_model(folder)


def test_discover_models_finds_nested_folders_and_skips_temporary_ones(tmp_path: Path):
    text_card = json.dumps({"interface": "mlops_pipeline.models.classical:ClassicalTextModel"})
    for rel in ("train_classical/a", "train_lstm/b", "train_classical/.a.tmp-1"):
        (tmp_path / rel).mkdir(parents=True)
        (tmp_path / rel / "model_card.json").write_text(text_card)
    (tmp_path / "embeddings/word2vec").mkdir(parents=True)  # no card: not a model
    (tmp_path / "timeseries/lstm").mkdir(parents=True)  # a card, but not a text model
    (tmp_path / "timeseries/lstm/model_card.json").write_text(
        '{"model_id": "ts", "family": "lstm"}'
    )
    assert [p.name for p in discover_models(tmp_path)] == ["a", "b"]
    assert discover_models(tmp_path / "absent") == []


def test_top_features_of_a_linear_ngram_model_point_the_right_way():
    model, _ = trained_model("logreg", "tfidf", {"C": 10.0}, n=160)
    top = model.top_features(3)
    positives = {f["feature"] for f in top["positive"]}
    negatives = {f["feature"] for f in top["negative"]}
    assert positives & {"great", "excellent", "wonderful", "brilliant", "loved", "superb", "!"}
    assert negatives & {"awful", "worst", "boring", "terrible", "waste", "dull", "?"}
    assert trained_model("logreg", "embedding")[0].top_features() is None


def test_models_refuse_to_predict_before_fit():
    reviews = raw_reviews(8)
    model = ClassicalTextModel(PREPROCESS, None, "logreg")
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict_proba_matrix(np.zeros((1, 1)))
    assert len(reviews) == 8
