"""train_bert end to end on a tiny catalog (tiny random BERT: conf/test's `random:tiny`)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from synthetic_tokens import synthetic_reviews

from mlops_pipeline.models.base import read_card
from mlops_pipeline.models.discovery import load_model
from mlops_pipeline.pipelines.train_bert import create_pipeline
from mlops_pipeline.pipelines.train_bert.nodes import CURVE_COLUMNS, select_rows

ROOT = Path(__file__).resolve().parents[3]


def params(env: str = "test") -> dict:
    return yaml.safe_load((ROOT / f"conf/{env}/parameters_train_bert.yml").read_text())[
        "train_bert"
    ]


def test_base_and_test_parameters_have_the_same_keys() -> None:
    def keys(tree: dict, prefix: str = "") -> set[str]:
        out = set()
        for k, v in tree.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    assert keys(params("base")) == keys(params("test"))
    assert keys(params("base")) >= keys(params("gpu"))


def test_subsets_are_fixed_stratified_and_never_read_test() -> None:
    reviews = synthetic_reviews(40)
    config = {**params(), "subset": {"fit_rows": 20, "val_rows": 10}}
    fit, val = select_rows(reviews, config, 7)
    again, _ = select_rows(reviews.sample(frac=1.0, random_state=1), config, 7)
    assert fit["review_id"].tolist() == again["review_id"].tolist()  # row order does not matter
    assert len(fit) == 20 and fit["label"].sum() == 10 and len(val) == 10
    assert set(fit["review_id"]).issubset(reviews.loc[reviews["fold"] == "fit", "review_id"])
    assert set(val["review_id"]).issubset(reviews.loc[reviews["fold"] == "val", "review_id"])
    other, _ = select_rows(reviews, config, 8)
    assert other["review_id"].tolist() != fit["review_id"].tolist()


def _catalog(tmp_path: Path) -> DataCatalog:
    text = (ROOT / "conf/base/catalog_train_bert.yml").read_text()
    config = yaml.safe_load(text.replace("${globals:data_root}", "data"))
    for entry in config.values():
        for key in ("filepath", "path"):
            if key in entry:
                entry[key] = str(tmp_path / entry[key])
    return DataCatalog.from_config(config)


def test_pipeline_runs_on_a_tiny_catalog(tmp_path: Path) -> None:
    reviews = synthetic_reviews(40)
    catalog = _catalog(tmp_path)
    catalog["reviews_preprocessed"] = reviews
    catalog["params:preprocess.text"] = {"lemmatizer": "none"}
    catalog["params:train_bert"] = params()
    catalog["params:common.seed"] = 42
    pipeline = create_pipeline()
    assert all("train_bert" in n.tags for n in pipeline.nodes)
    SequentialRunner().run(pipeline, catalog)

    model_dir = tmp_path / "data/06_models/train_bert/bert__minilm_l6"
    card = read_card(model_dir)
    assert card.family == "bert" and card.device == "cpu" and card.train_rows == 40
    assert set(card.val_metrics) == {"accuracy", "roc_auc", "rows"}
    assert card.val_metrics["rows"] == 30  # the val subset
    predictions = pd.read_parquet(
        tmp_path / "data/07_model_output/train_bert/val_predictions.parquet"
    )
    assert list(predictions.columns) == ["review_id", "model_id", "proba"]
    assert len(predictions) == 30
    metrics = json.loads((tmp_path / "data/08_reporting/train_bert/metrics.json").read_text())
    assert metrics["val_accuracy"] == card.val_metrics["accuracy"] and metrics["val_rows"] == 30
    assert metrics["epochs_run"] == 2 and metrics["train_rows"] == 40
    assert "seconds" not in json.dumps(metrics)
    curve = pd.read_csv(tmp_path / "data/08_reporting/train_bert/plots/learning_curve.csv")
    assert list(curve.columns) == CURVE_COLUMNS and len(curve) == 2
    model = load_model(model_dir)
    assert model.predict_proba(["great excellent movie !", "awful boring waste ?"]).shape == (2, 2)
