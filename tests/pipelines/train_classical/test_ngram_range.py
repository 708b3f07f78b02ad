"""train_classical: the n-gram range of an unnormalised n-gram matrix is chosen on val."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_text_models import PREPROCESS, raw_reviews, tokens_of

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.features import build_vectorizer
from mlops_pipeline.params import validate_parameters
from mlops_pipeline.pipelines.train_classical.nodes import train_representation

PARAMS = {
    "models": [
        {
            "family": "nbsvm",
            "features": "ngrams",
            "grid": {"ngram_range": [[1, 1], [1, 3]], "C": [0.1, 1.0]},
        }
    ],
    "families": {"nbsvm": {"params": {"alpha": 1.0}}},
}


def _ngram_features():
    frame = raw_reviews(160, noise=0.3)
    frame["tokens"] = tokens_of(frame["text"].tolist())
    train = frame[frame["fold"].isin(["fit", "val"])]
    vectorizer = build_vectorizer(
        "bow", {"ngram_range": [1, 3], "min_df": 1, "binary": True, "dtype": "int8"}
    ).fit(train["tokens"].tolist())
    mats = {
        f: vectorizer.transform(frame.loc[frame["fold"] == f, "tokens"]) for f in ("fit", "val")
    }
    rows = frame[["review_id", "fold", "label"]].copy()
    rows["row"] = rows.groupby("fold").cumcount()
    return frame, vectorizer, mats, rows


def test_every_range_and_c_is_scored_on_val_and_the_model_serves_its_range() -> None:
    frame, vectorizer, mats, rows = _ngram_features()
    models, report = train_representation(
        mats["fit"], mats["val"], rows, vectorizer, PREPROCESS, PARAMS, 0, "ngrams"
    )
    r = report["nbsvm__ngrams"]
    tried = [(tuple(c["ngram_range"]), c["params"]["C"]) for c in r["candidates"]]
    assert tried == [((1, 1), 0.1), ((1, 1), 1.0), ((1, 3), 0.1), ((1, 3), 1.0)]
    best = max(r["candidates"], key=lambda c: c["val_accuracy"])
    assert r["val_accuracy"] == best["val_accuracy"]
    model = models["nbsvm__ngrams"]
    chosen = r["ngram_range"]
    assert model.card.extra["ngram_range"] == chosen
    assert model.representation.params["ngram_range"] == chosen
    assert "ngram_range" not in model.card.params  # estimator arguments only
    assert set(model.representation.ngram_orders().tolist()) <= set(range(1, chosen[1] + 1))
    # raw text through the restricted vectorizer == the cached matrix's column subset
    _, columns = vectorizer.restrict_ngrams(chosen)
    texts = frame.loc[frame["fold"] == "val", "text"].tolist()
    np.testing.assert_allclose(
        model.predict_proba(texts), model.predict_proba_matrix(mats["val"][:, columns])
    )


def _params_with(spec: dict) -> dict:
    return {"models": [spec]}


def test_schema_accepts_ngram_range_only_on_unnormalised_ngram_features() -> None:
    ok = {"family": "nbsvm", "features": "ngrams", "grid": {"ngram_range": [[1, 2], [1, 3]]}}
    validate_parameters("train_classical", _params_with(ok))
    bad = {"family": "nbsvm", "features": "tfidf", "grid": {"ngram_range": [[1, 2]]}}
    with pytest.raises(UserInputError, match="ngram_range"):
        validate_parameters("train_classical", _params_with(bad))
    reversed_pair = {"family": "nbsvm", "features": "ngrams", "grid": {"ngram_range": [[3, 1]]}}
    with pytest.raises(UserInputError, match="ngram_range"):
        validate_parameters("train_classical", _params_with(reversed_pair))
