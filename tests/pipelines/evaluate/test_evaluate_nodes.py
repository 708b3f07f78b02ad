"""evaluate: models through the catalog, stable metrics.json keys, reports, DVC plot files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from kedro.io import DatasetError
from synthetic_text_models import raw_reviews, save_model, tokens_of

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.evaluation import LEADERBOARD_COLUMNS, METRIC_KEYS
from mlops_pipeline.models.discovery import MODEL_INPUTS
from mlops_pipeline.pipelines.evaluate import nodes
from mlops_pipeline.pipelines.evaluate.pipeline import create_pipeline

PROJECT = Path(__file__).resolve().parents[3]
PARAMS = {
    "latency_reviews": 3,
    "throughput_reviews": 10,
    "throughput_seconds": 15,
    "curve_points": 20,
    "top_features": 3,
}


@pytest.fixture(scope="module")
def test_rows() -> pd.DataFrame:
    reviews = raw_reviews(80)
    preprocessed = reviews[["review_id", "fold", "label"]].copy()
    preprocessed["tokens"] = tokens_of(reviews["text"].tolist())
    preprocessed["text_light"] = reviews["text"]
    return nodes.prepare_test_rows(reviews, preprocessed)


def model_set(root: Path, *pairs: tuple[str, str]) -> dict:
    for family, features in pairs:
        save_model(root, family, features)
    return TextModelsDataset(str(root)).load()


def test_prepare_test_rows_keeps_only_test_with_raw_text_and_tokens(test_rows):
    assert len(test_rows) == 20
    assert {"review_id", "label", "text", "tokens"} <= set(test_rows.columns)
    assert test_rows["text"].str.contains("<br />").all()  # raw, for latency/throughput


def test_models_come_from_the_catalog_inputs_only():
    pipeline = create_pipeline()
    assert set(MODEL_INPUTS) <= pipeline.inputs()
    assert all(name.endswith("_models") for name in MODEL_INPUTS)
    source = (
        Path(nodes.__file__).read_text() + Path(nodes.__file__).with_name("pipeline.py").read_text()
    )
    assert "discover_models" not in source and "pkgutil" not in source


def test_two_training_pipelines_merge_and_a_duplicate_id_fails(tmp_path):
    first = model_set(tmp_path / "train_classical", ("logreg", "tfidf"))
    second = model_set(tmp_path / "train_other", ("nbsvm", "bow"))
    merged = nodes.merge_model_sets(first, second)
    assert list(merged) == ["logreg__tfidf", "nbsvm__bow"]
    with pytest.raises(ValueError, match="logreg__tfidf"):
        nodes.merge_model_sets(first, model_set(tmp_path / "again", ("logreg", "tfidf")))


def test_an_absent_models_folder_fails_naming_the_pipeline(tmp_path):
    with pytest.raises(DatasetError, match="kedro run --pipelines train_lstm"):
        TextModelsDataset(str(tmp_path / "train_lstm")).load()


@pytest.fixture(scope="module")
def scored(tmp_path_factory, test_rows):
    root = tmp_path_factory.mktemp("models") / "train_classical"
    models = nodes.merge_model_sets(model_set(root, ("logreg", "tfidf"), ("mnb", "bow")))
    predictions, cards = nodes.predict_test(test_rows, models)
    scores = nodes.score_predictions(predictions, test_rows)
    timings = nodes.measure_speed(test_rows, models, PARAMS, 0)
    return models, predictions, cards, scores, timings


def test_predictions_metrics_and_speed(scored, test_rows):
    _, predictions, cards, scores, timings = scored
    assert list(predictions.columns) == ["review_id", "model_id", "proba"]
    assert len(predictions) == 2 * len(test_rows)
    assert set(scores["logreg__tfidf"]) == set(METRIC_KEYS) - {"train_rows", "size_bytes"}
    headline = nodes.evaluation_metrics(scores)
    assert headline["mnb__bow"].keys() == {"accuracy", "f1", "roc_auc"}
    assert {"latency_ms_median", "throughput_reviews_per_s"} <= set(timings["logreg__tfidf"])
    assert cards["logreg__tfidf"]["model_id"] == "logreg__tfidf"


def test_reports_leaderboard_and_plot_data(scored, test_rows):
    models, predictions, cards, scores, timings = scored
    roc, pr, confusion = nodes.curve_data(predictions, test_rows, scores, PARAMS)
    board, markdown = nodes.leaderboard(scores, timings, cards)
    assert list(board.columns) == list(LEADERBOARD_COLUMNS) and len(board) == 2
    assert board["accuracy"].is_monotonic_decreasing
    assert markdown.startswith("# Leaderboard") and "logreg__tfidf" in markdown
    assert {r["model_id"] for r in roc} == set(scores) and {"fpr", "tpr"} <= set(roc[0])
    assert {"recall", "precision"} <= set(pr[0]) and len(confusion) == 4 * 2
    figures = nodes.figures(roc, pr, confusion, board)
    assert set(figures) == {"roc.png", "precision_recall.png", "confusion.png"}
    top = nodes.top_features(models, PARAMS)
    assert len(top["logreg__tfidf"]["positive"]) == 3


@pytest.mark.skipif(shutil.which("git") is None, reason="dvc plots needs git or --no-scm")
def test_plot_files_render_with_dvc_plots_show(tmp_path, scored, test_rows):
    """The plots section of the real dvc.yaml renders the files evaluate writes."""
    _, predictions, _, scores, _ = scored
    roc, pr, confusion = nodes.curve_data(predictions, test_rows, scores, PARAMS)
    project = tmp_path / "proj"
    plots_dir = project / "data/08_reporting/evaluate/plots"
    plots_dir.mkdir(parents=True)
    for name, data in [("roc", roc), ("precision_recall", pr), ("confusion", confusion)]:
        (plots_dir / f"{name}.json").write_text(json.dumps(data))
    spec = yaml.safe_load((PROJECT / "dvc.yaml").read_text())
    ours = [p for p in spec["plots"] if "evaluate/plots/" in json.dumps(p)]
    assert ours, "dvc.yaml declares no evaluate plots"
    (project / "dvc.yaml").write_text(yaml.safe_dump({"plots": ours}))
    dvc = str(Path(sys.executable).with_name("dvc"))
    subprocess.run([dvc, "init", "--no-scm", "-q"], cwd=project, check=True)
    if (PROJECT / ".dvc/plots").exists():
        shutil.copytree(PROJECT / ".dvc/plots", project / ".dvc/plots", dirs_exist_ok=True)
    out = subprocess.run(
        [dvc, "plots", "show", "--json"], cwd=project, capture_output=True, text=True, check=True
    )
    shown = json.loads(out.stdout)
    assert not shown.get("errors"), shown.get("errors")
    roc = shown["data"]["data/08_reporting/evaluate/plots/roc.json"][0]["content"]
    assert roc["encoding"]["x"]["field"] == "fpr" and roc["encoding"]["y"]["field"] == "tpr"
    assert {v["model_id"] for v in roc["data"]["values"]} == {"logreg__tfidf", "mnb__bow"}
    assert "<DVC_METRIC" not in json.dumps(shown)  # every template anchor was filled
