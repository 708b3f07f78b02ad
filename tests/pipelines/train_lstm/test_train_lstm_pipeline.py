"""train_lstm: vocabulary from training folds only, the pipeline end to end on a tiny catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from gensim.models import Word2Vec
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from synthetic_tokens import TEST_ONLY, synthetic_reviews

from mlops_pipeline.models.base import read_card
from mlops_pipeline.models.discovery import load_model
from mlops_pipeline.pipelines.train_lstm import create_pipeline
from mlops_pipeline.pipelines.train_lstm.nodes import CURVE_COLUMNS, build_vocabulary

ROOT = Path(__file__).resolve().parents[3]
PREPROCESS_TEXT = {"lemmatizer": "none"}


def params(env: str = "test") -> dict:
    return yaml.safe_load((ROOT / f"conf/{env}/parameters_train_lstm.yml").read_text())[
        "train_lstm"
    ]


def test_vocabulary_never_contains_a_test_only_token() -> None:
    reviews = synthetic_reviews(20)
    vocab = build_vocabulary(reviews, params())
    assert TEST_ONLY not in vocab
    assert "great" in vocab and "awful" in vocab
    bad = params()
    bad["vocabulary"]["folds"] = ["fit", "test"]
    with pytest.raises(ValueError, match="test"):
        build_vocabulary(reviews, bad)


def test_base_and_test_parameters_have_the_same_keys() -> None:
    def keys(tree: dict, prefix: str = "") -> set[str]:
        out = set()
        for k, v in tree.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    assert keys(params("base")) == keys(params("test"))


def _catalog(tmp_path: Path) -> DataCatalog:
    text = (ROOT / "conf/base/catalog_train_lstm.yml").read_text()
    config = yaml.safe_load(text.replace("${globals:data_root}", "data"))
    for entry in config.values():
        for key in ("filepath", "path"):
            if key in entry:
                entry[key] = str(tmp_path / entry[key])
    return DataCatalog.from_config(config)


def test_pipeline_runs_on_a_tiny_catalog(tmp_path: Path) -> None:
    reviews = synthetic_reviews(40)
    catalog = _catalog(tmp_path)
    train = reviews[reviews["fold"].isin(["fit", "val", "unsup"])]["tokens"]
    catalog["reviews_preprocessed"] = reviews
    catalog["embeddings_word2vec_model"] = Word2Vec(
        [list(t) for t in train], vector_size=16, min_count=1, workers=1, seed=0, epochs=2
    )
    catalog["params:preprocess.text"] = PREPROCESS_TEXT
    catalog["params:train_lstm"] = params()
    catalog["params:common.seed"] = 42
    pipeline = create_pipeline()
    assert all("train_lstm" in n.tags for n in pipeline.nodes)
    SequentialRunner().run(pipeline, catalog)

    models_dir = tmp_path / "data/06_models/train_lstm"
    model_dir = models_dir / "lstm__word2vec"
    card = read_card(model_dir)
    assert set(card.val_metrics) == {"accuracy", "roc_auc", "rows"}
    assert card.val_metrics["rows"] == 40
    predictions = pd.read_parquet(
        tmp_path / "data/07_model_output/train_lstm/val_predictions.parquet"
    )
    assert list(predictions.columns) == ["review_id", "model_id", "proba"]
    assert set(predictions["review_id"]) == set(reviews.loc[reviews["fold"] == "val", "review_id"])
    metrics = json.loads((tmp_path / "data/08_reporting/train_lstm/metrics.json").read_text())
    assert metrics["val_accuracy"] == card.val_metrics["accuracy"]
    assert metrics["epochs_run"] == 2 and metrics["train_rows"] == 40
    curve = pd.read_csv(tmp_path / "data/08_reporting/train_lstm/plots/learning_curve.csv")
    assert list(curve.columns) == CURVE_COLUMNS and len(curve) == 2
    assert (tmp_path / "data/08_reporting/train_lstm/learning_curve.png").stat().st_size > 0
    model = load_model(model_dir)
    texts = ["great excellent movie !", "awful boring waste ?"]
    assert model.predict_proba(texts).shape == (2, 2)
