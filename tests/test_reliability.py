"""benchmarks/reliability.py: its probes on synthetic models and data (the real run needs
``make run``'s models). Every issue-30 probe ends ``clear`` or ``ok`` with nothing lost; a probe
reports the defect it replays when the defect is back; missing data is listed, nothing runs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic_text_models import fitted_embedder, raw_reviews, save_model, tokens_of
from synthetic_tokens import project_config

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.pipelines.score import create_pipeline

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "reliability.py"


@pytest.fixture(scope="module")
def reliability():
    spec = importlib.util.spec_from_file_location("reliability_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["reliability_under_test"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic_data(tmp_path_factory):
    """What the probes load from the catalog, built from the synthetic fixtures."""
    root = tmp_path_factory.mktemp("models")
    reviews = raw_reviews(480, seed=1)
    tokens = tokens_of(reviews["text"].tolist())
    folder = save_model(root, "logreg", "tfidf")
    card = json.loads((folder / "model_card.json").read_text())
    card["val_metrics"] = {"accuracy": 0.9, "roc_auc": 0.9, "rows": 10}
    (folder / "model_card.json").write_text(json.dumps(card))
    val = reviews[reviews["fold"] == "val"]
    return {
        "reviews": reviews,
        "reviews_preprocessed": pd.DataFrame(
            {"review_id": reviews["review_id"], "text_light": reviews["text"], "tokens": tokens}
        ),
        "embeddings_word2vec_embedder": fitted_embedder(tokens),
        "train_classical_models": TextModelsDataset(str(root)).load(),
        "train_classical_val_predictions": pd.DataFrame(
            {
                "review_id": val["review_id"],
                "model_id": folder.name,
                "proba": np.random.default_rng(0).random(len(val)),
            }
        ),
    }


def _sandbox(reliability, root: Path, data: dict):
    params = project_config("test")["parameters"]
    return reliability.Sandbox(
        root=root,
        params=params,
        load=data.__getitem__,
        where=lambda name: None if name in data else f"{name} (not built)",
        score_pipeline=create_pipeline(model_inputs=["train_classical_models"]),
    )


def test_every_issue_30_probe_ends_clear_or_ok_and_nothing_is_lost(
    reliability, synthetic_data, tmp_path, monkeypatch
):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}")
    sb = _sandbox(reliability, tmp_path, synthetic_data)
    lines: list[str] = []
    code = reliability.run_all(sb, reliability.PROBES, echo=lines.append)
    assert code == 0, "\n".join(lines)
    assert len(lines) == len(reliability.PROBES) + 1
    for probe, line in zip(reliability.PROBES, lines, strict=False):
        assert line.startswith(probe.name) and "none lost" in line, line
    assert lines[-1].endswith("anything lost: no") and "0 silent-wrong" in lines[-1]
    names = [p.name.split()[0] for p in reliability.PROBES]
    for defect in ("30.1", "30.2", "30.3", "30.4", "30.5", "30.6", "30.7", "30.8"):
        assert any(n.startswith(defect) for n in names), defect


def test_a_probe_reports_its_defect_when_it_is_back(reliability, synthetic_data, tmp_path):
    """The unquoted-comma probe on pandas' old reading: ids "Great film" -> silent-wrong."""
    sb = _sandbox(reliability, tmp_path, synthetic_data)
    from mlops_pipeline.scoring import review_files

    def pandas_csv(text, path):
        import io

        return pd.read_csv(io.StringIO(text), dtype=str)

    original = review_files._csv_frame
    review_files._csv_frame = pandas_csv
    try:
        result = reliability.probe_unquoted_comma(sb)
    finally:
        review_files._csv_frame = original
    assert result.outcome == "silent-wrong" and "Great film" in result.detail


def test_outcome_helpers(reliability):
    from mlops_pipeline.errors import UserInputError

    assert reliability.error_result(UserInputError("x.csv: line 2 bad; fix it")).outcome == "clear"
    assert reliability.error_result(UserInputError("two\nlines")).outcome == "crash-ugly"
    assert reliability.error_result(KeyError("k")).outcome == "crash-ugly"
    assert reliability.error_result(None).outcome == "silent-wrong"
    assert reliability.unexpected(UserInputError("no")).outcome == "refused"
    with pytest.raises(ValueError):
        reliability.Result("fine")


def test_missing_data_is_listed_before_anything_runs(reliability, tmp_path):
    sb = _sandbox(reliability, tmp_path, {"reviews": pd.DataFrame()})
    lacking = reliability.missing(sb, reliability.PROBES)
    assert "reviews_preprocessed (not built)" in lacking
    assert "train_classical_models (not built)" in lacking
    assert not any(line.startswith("reviews ") for line in lacking)
