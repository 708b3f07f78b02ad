"""evaluate: discovery of model folders, stable metrics.json keys, reports, DVC plot files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from synthetic_text_models import raw_reviews, save_model, tokens_of

from mlops_pipeline.evaluation import LEADERBOARD_COLUMNS, METRIC_KEYS
from mlops_pipeline.pipelines.evaluate.nodes import build_reports, prepare_test_rows, score_models

PROJECT = Path(__file__).resolve().parents[3]
PARAMS = {"latency_reviews": 3, "throughput_reviews": 10, "curve_points": 20, "top_features": 3}


@pytest.fixture(scope="module")
def test_rows() -> pd.DataFrame:
    reviews = raw_reviews(80)
    preprocessed = reviews[["review_id", "fold", "label"]].copy()
    preprocessed["tokens"] = tokens_of(reviews["text"].tolist())
    preprocessed["text_light"] = reviews["text"]
    return prepare_test_rows(reviews, preprocessed)


def test_prepare_test_rows_keeps_only_test_with_raw_text_and_tokens(test_rows):
    assert len(test_rows) == 20
    assert {"review_id", "label", "text", "tokens"} <= set(test_rows.columns)
    assert test_rows["text"].str.contains("<br />").all()  # raw, for latency/throughput


def test_only_classical_models_then_an_extra_folder_is_picked_up(tmp_path, test_rows):
    root = tmp_path / "06_models"
    save_model(root / "train_classical", "logreg", "tfidf")
    params = {**PARAMS, "models_root": str(root)}
    preds, metrics, timings, details = score_models(test_rows, params, 0, {})
    assert list(metrics) == ["logreg__tfidf"]
    assert set(metrics["logreg__tfidf"]) == set(METRIC_KEYS)  # stable keys, no timings
    assert {"latency_ms_median", "throughput_reviews_per_s"} <= set(timings["logreg__tfidf"])
    assert len(preds) == len(test_rows) and list(preds.columns) == [
        "review_id",
        "model_id",
        "proba",
    ]

    save_model(root / "train_other", "nbsvm", "bow")  # e.g. a later training pipeline
    preds, metrics, timings, details = score_models(test_rows, params, 0, {})
    assert sorted(metrics) == ["logreg__tfidf", "nbsvm__bow"]
    assert len(preds) == 2 * len(test_rows)
    assert set(details["top"]) == {"logreg__tfidf", "nbsvm__bow"}


def test_no_model_folder_is_not_an_error(tmp_path, test_rows):
    params = {**PARAMS, "models_root": str(tmp_path / "none")}
    preds, metrics, _, details = score_models(test_rows, params, 0)
    assert metrics == {} and preds.empty
    roc, pr, confusion, board, md, top, figures = build_reports(metrics, {}, details)
    assert board.empty and list(board.columns) == list(LEADERBOARD_COLUMNS) and figures == {}


def _reports(tmp_path, test_rows):
    root = tmp_path / "06_models"
    for family, features in [("logreg", "tfidf"), ("mnb", "bow")]:
        save_model(root / "train_classical", family, features)
    params = {**PARAMS, "models_root": str(root)}
    _, metrics, timings, details = score_models(test_rows, params, 0)
    return metrics, build_reports(metrics, timings, details)


def test_reports_leaderboard_and_plot_data(tmp_path, test_rows):
    metrics, (roc, pr, confusion, board, md, top, figures) = _reports(tmp_path, test_rows)
    assert len(board) == len(metrics) == 2
    assert list(board.columns) == list(LEADERBOARD_COLUMNS)
    assert board["accuracy"].is_monotonic_decreasing
    assert {r["model_id"] for r in roc} == set(metrics) and {"fpr", "tpr"} <= set(roc[0])
    assert {"recall", "precision"} <= set(pr[0]) and len(confusion) == 4 * 2
    assert set(figures) == {"roc.png", "precision_recall.png", "confusion.png"}
    assert len(top["logreg__tfidf"]["positive"]) == 3


@pytest.mark.skipif(shutil.which("git") is None, reason="dvc plots needs git or --no-scm")
def test_plot_files_render_with_dvc_plots_show(tmp_path, test_rows):
    """The plots section of the real dvc.yaml renders the files evaluate writes."""
    _, (roc, pr, confusion, *_) = _reports(tmp_path / "run", test_rows)
    project = tmp_path / "proj"
    plots_dir = project / "data/08_reporting/evaluate/plots"
    plots_dir.mkdir(parents=True)
    for name, data in [("roc", roc), ("precision_recall", pr), ("confusion", confusion)]:
        (plots_dir / f"{name}.json").write_text(json.dumps(data))
    spec = yaml.safe_load((PROJECT / "dvc.yaml").read_text())
    ours = [p for p in spec["plots"] if "evaluate/plots/" in json.dumps(p)]
    assert ours, "dvc.yaml declares no evaluate plots"
    (project / "dvc.yaml").write_text(yaml.safe_dump({"plots": ours}))
    if (PROJECT / ".dvc/plots").exists():
        shutil.copytree(PROJECT / ".dvc/plots", project / ".dvc_templates")
    dvc = str(Path(sys.executable).with_name("dvc"))
    subprocess.run([dvc, "init", "--no-scm", "-q"], cwd=project, check=True)
    if (project / ".dvc_templates").exists():
        shutil.copytree(project / ".dvc_templates", project / ".dvc/plots", dirs_exist_ok=True)
    out = subprocess.run(
        [dvc, "plots", "show", "--json"], cwd=project, capture_output=True, text=True, check=True
    )
    shown = json.loads(out.stdout)
    assert not shown.get("errors"), shown.get("errors")
    roc = shown["data"]["data/08_reporting/evaluate/plots/roc.json"][0]["content"]
    assert roc["encoding"]["x"]["field"] == "fpr" and roc["encoding"]["y"]["field"] == "tpr"
    assert {v["model_id"] for v in roc["data"]["values"]} == {"logreg__tfidf", "mnb__bow"}
    assert "<DVC_METRIC" not in json.dumps(shown)  # every template anchor was filled
