"""Pipeline ``score`` on a user file: predictions, rejects and a drift report per batch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from synthetic_text_models import fitted_embedder, raw_reviews, save_model, tokens_of
from synthetic_tokens import PROJECT_ROOT, project_config

from mlops_pipeline.datasets import BatchFilesDataset, ReviewsFileDataset, TextModelsDataset
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.pipelines.score import create_pipeline
from mlops_pipeline.tracking.config import TrackingConfig, sqlite_uri


def _catalog(tmp_path, batch_file, params_override=None):
    reviews = raw_reviews(200)
    tokens = tokens_of(reviews["text"].tolist())
    root = tmp_path / "models"
    folder = save_model(root, "logreg", "tfidf")
    card = json.loads((folder / "model_card.json").read_text())
    card["val_metrics"] = {"accuracy": 0.9, "roc_auc": 0.9, "rows": 10}
    (folder / "model_card.json").write_text(json.dumps(card))
    val = reviews[reviews["fold"] == "val"]
    rng = np.random.default_rng(0)
    val_preds = pd.DataFrame(
        {"review_id": val["review_id"], "model_id": folder.name, "proba": rng.random(len(val))}
    )
    params = project_config("test")["parameters"]
    score_params = {**params["score"], "input": str(batch_file), **(params_override or {})}
    catalog = DataCatalog()
    feeds = {
        "train_classical_models": TextModelsDataset(str(root)).load(),
        "train_classical_val_predictions": val_preds,
        "reviews": reviews,
        "reviews_preprocessed": pd.DataFrame({"review_id": reviews["review_id"], "tokens": tokens}),
        "embeddings_word2vec_embedder": fitted_embedder(tokens),
        "params:score": score_params,
        "params:drift": params["drift"],
        "params:common.seed": params["common"]["seed"],
        # no registry store: score serves select_champion's model
        "tracking_config": TrackingConfig(
            tracking_uri=sqlite_uri(tmp_path / "no-store"),
            artifact_location=(tmp_path / "no-store" / "artifacts").as_uri(),
            experiment="score-test",
            registered_model="sentiment-classifier",
        ),
    }
    for name, value in feeds.items():
        catalog[name] = MemoryDataset(value, copy_mode="assign")
    catalog["score_input"] = ReviewsFileDataset(str(batch_file))
    catalog["score_predictions"] = BatchFilesDataset(str(tmp_path / "out" / "07"))
    catalog["score_reports"] = BatchFilesDataset(str(tmp_path / "out" / "08"))
    return catalog, reviews


def _run(catalog):
    SequentialRunner().run(create_pipeline(model_inputs=["train_classical_models"]), catalog)


def _only_run(root, stem):
    """The one run folder of input ``stem`` under ``root``: ``<stem>-<sha8>-<UTC time>``."""
    runs = [p for p in root.iterdir() if p.is_dir() and p.name.startswith(f"{stem}-")]
    assert len(runs) == 1, runs
    return runs[0].name


def test_mixed_batch_writes_predictions_rejects_and_report(tmp_path):
    good = raw_reviews(60, seed=5)
    batch = pd.DataFrame(
        {
            "id": [f"n{i}" for i in range(60)] + ["n0", "bad1", "bad2"],
            "text": good["text"].tolist() + ["dup id", "   ", "x" * 5000],
            "label": good["label"].tolist() + [1, 0, 1],
        }
    )
    path = tmp_path / "new batch.csv"
    ReviewsFileDataset(str(path)).save(batch)
    catalog, _ = _run_and_load(tmp_path, path)
    run = _only_run(tmp_path / "out" / "07", "new_batch")
    out = BatchFilesDataset(str(tmp_path / "out" / "07")).load()[run]
    preds, rejects = out["predictions.parquet"], out["rejects.parquet"]
    assert len(preds) + len(rejects) == len(batch)
    assert preds["id"].tolist() == [f"n{i}" for i in range(60)]
    assert rejects["reason"].tolist() == ["duplicate_id", "empty_text", "too_long"]
    assert preds["probability"].between(0, 1).all()
    assert set(preds["label"]) <= {0, 1}
    reports = BatchFilesDataset(str(tmp_path / "out" / "08")).load()[run]
    assert set(reports) == {
        "summary.json",
        "summary.md",
        "drift_report.html",
        "evidently.json",
        "drift_summary.json",
    }
    summary = reports["summary.json"]
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (63, 60, 3)
    assert summary["status"] == "scored" and summary["run"] == run
    assert run.startswith(f"new_batch-{summary['sha256'][:8]}-")
    assert reports["drift_summary.json"]["quality"]["current"]["rows"] == 60
    # the one-screen summary: counts, rejects by reason, champion, the drift verdict, folders
    markdown = reports["summary.md"]
    assert markdown == catalog.load("score_run_summary")
    assert "| rows read | 63 |" in markdown and "| scored | 60 |" in markdown
    assert "| rejected | 3 (duplicate_id: 1, empty_text: 1, too_long: 1) |" in markdown
    assert "logreg__tfidf" in markdown and f"`08_reporting/score/{run}/`" in markdown
    drift = reports["drift_summary.json"]
    assert ("Drift detected" if drift["drift_detected"] else "Drift not detected") in markdown
    page = reports["drift_report.html"]
    body = page.split("<body", 1)[1].split(">", 1)[1].lstrip()
    assert body.startswith("<section id='drift-verdict'")  # the verdict comes first

    # same input again: a second run folder, the same predictions (scored_at aside)
    _run_and_load(tmp_path, path)
    runs = BatchFilesDataset(str(tmp_path / "out" / "07")).load()
    assert len(runs) == 2 and run in runs
    again = runs[max(runs)]
    pd.testing.assert_frame_equal(
        preds.drop(columns="scored_at"), again["predictions.parquet"].drop(columns="scored_at")
    )


def _run_and_load(tmp_path, path, **override):
    catalog, reviews = _catalog(tmp_path, path, override or None)
    _run(catalog)
    return catalog, reviews


def test_missing_text_column_names_the_columns(tmp_path):
    path = tmp_path / "wrong.jsonl"
    ReviewsFileDataset(str(path)).save(pd.DataFrame({"id": ["1"], "body": ["hello"]}))
    catalog, _ = _catalog(tmp_path, path)
    with pytest.raises(
        UserInputError, match=r"missing column\(s\) \['text'\]; found columns \['id', 'body'\]"
    ):
        _run(catalog)


def test_too_many_rejects_fail_after_writing_the_rejects(tmp_path):
    path = tmp_path / "mostly_bad.parquet"
    frame = pd.DataFrame({"id": ["1", "2", "3"], "text": ["fine review", "", None]})
    ReviewsFileDataset(str(path)).save(frame)
    catalog, _ = _catalog(tmp_path, path)
    with pytest.raises(UserInputError, match="2 of 3 rows rejected"):
        _run(catalog)
    run = _only_run(tmp_path / "out" / "07", "mostly_bad")
    out = BatchFilesDataset(str(tmp_path / "out" / "07")).load()[run]
    assert set(out) == {"rejects.parquet"}  # nothing was scored
    assert out["rejects.parquet"]["reason"].tolist() == ["empty_text", "missing_text"]
    summary = BatchFilesDataset(str(tmp_path / "out" / "08")).load()[run]["summary.json"]
    assert summary["status"] == "failed" and "2 of 3 rows rejected" in summary["error"]


def test_catalog_default_input_equals_the_parameter():
    catalog = yaml.safe_load((PROJECT_ROOT / "conf/base/catalog_score.yml").read_text())
    params = yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_score.yml").read_text())
    default = catalog["score_input"]["filepath"].split(",", 1)[1].strip().rstrip("}")
    assert default == params["score"]["input"]


# -- issue 30 ------------------------------------------------------------------------------
def _files(root):
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_file_name_from_two_folders_never_replaces_and_a_failed_run_never_mixes(tmp_path):
    """Issue 30 #1: a/dup.csv then b/dup.csv: b's outputs replaced a's; a failing c/dup.csv
    left its rejects next to b's predictions and summary."""
    out = tmp_path / "out"
    for folder, seed in (("a", 11), ("b", 12)):
        (tmp_path / folder).mkdir()
        good = raw_reviews(30, seed=seed)
        frame = pd.DataFrame({"id": [f"{folder}{i}" for i in range(30)], "text": good["text"]})
        ReviewsFileDataset(str(tmp_path / folder / "dup.csv")).save(frame)
        _run_and_load(tmp_path, tmp_path / folder / "dup.csv")
    runs = BatchFilesDataset(str(out / "07")).load()
    assert len(runs) == 2 and all(r.startswith("dup-") for r in runs)
    ids = sorted(runs[r]["predictions.parquet"]["id"].iloc[0] for r in runs)
    assert ids == ["a0", "b0"]
    assert set(BatchFilesDataset(str(out / "08")).load()) == set(runs)
    before = _files(out)

    (tmp_path / "c").mkdir()
    texts = ["fine film"] * 4 + [" "] * 6  # over conf/test's score.max_reject_share 0.5
    half_empty = pd.DataFrame({"id": [f"c{i}" for i in range(10)], "text": texts})
    ReviewsFileDataset(str(tmp_path / "c" / "dup.csv")).save(half_empty)
    catalog, _ = _catalog(tmp_path, tmp_path / "c" / "dup.csv")
    with pytest.raises(UserInputError, match="6 of 10 rows rejected"):
        _run(catalog)
    after = _files(out)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing replaced
    new = {k.split("/")[1] for k in set(after) - set(before)}
    assert len(new) == 1 and new.isdisjoint(runs)  # the failed run has its own folder
    (failed,) = new
    assert set(BatchFilesDataset(str(out / "07")).load()[failed]) == {"rejects.parquet"}
    assert not [p for p in out.rglob(".*")]  # no temporary folder left


def test_a_crash_while_writing_a_run_leaves_no_folder(tmp_path, monkeypatch):
    path = tmp_path / "crash.csv"
    frame = pd.DataFrame({"id": ["1", "2"], "text": ["fine film", "awful film"]})
    ReviewsFileDataset(str(path)).save(frame)
    catalog, _ = _catalog(tmp_path, path)
    real = pd.DataFrame.to_parquet

    def broken(self, target, *args, **kwargs):
        if "predictions" in str(target):
            Path(target).write_bytes(b"PAR1 half a file")
            raise OSError("disk full")
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(Exception, match="disk full"):
        _run(catalog)
    assert not (tmp_path / "out" / "07").exists() or not list((tmp_path / "out" / "07").iterdir())
    assert not (tmp_path / "out" / "08").exists() or not list((tmp_path / "out" / "08").iterdir())


def test_a_one_row_file_is_scored_and_its_drift_is_too_small_to_measure(tmp_path, caplog):
    """Issue 30: a 1-row file crashed in Evidently (603-line log, predictions without summary)."""
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "only", "text": "A wonderful, brilliant film."}\n')
    _run_and_load(tmp_path, path)
    run = _only_run(tmp_path / "out" / "07", "one")
    preds = BatchFilesDataset(str(tmp_path / "out" / "07")).load()[run]["predictions.parquet"]
    assert preds["id"].tolist() == ["only"]
    reports = BatchFilesDataset(str(tmp_path / "out" / "08")).load()[run]
    assert set(reports) == {"summary.json", "summary.md", "drift_summary.json"}  # no Evidently
    assert "| drift | Drift: too small to measure: 1 rows" in reports["summary.md"]
    summary = reports["summary.json"]
    assert summary["status"] == "scored" and summary["accepted"] == 1
    assert summary["drift_detected"] is None
    assert summary["drift"].startswith("too small to measure: 1 rows")
    assert reports["drift_summary.json"]["measurable"] is False


def test_rejected_ids_of_any_json_type_are_written_with_the_rejects(tmp_path):
    """Issue 30 #4: null/object/list ids are rejected, and the rejects file is still written."""
    path = tmp_path / "ids.jsonl"
    good = [{"id": f"g{i}", "text": t} for i, t in enumerate(raw_reviews(20, seed=3)["text"])]
    bad = [{"id": None, "text": "A fine film."}, {"id": {"a": 1}, "text": "A fine film."}]
    path.write_text("".join(json.dumps(row) + "\n" for row in good + bad))
    _run_and_load(tmp_path, path)
    run = _only_run(tmp_path / "out" / "07", "ids")
    out = BatchFilesDataset(str(tmp_path / "out" / "07")).load()[run]
    assert out["predictions.parquet"]["id"].tolist() == [f"g{i}" for i in range(20)]
    assert out["rejects.parquet"]["reason"].tolist() == ["missing_id", "invalid_id"]
    assert out["rejects.parquet"]["id"].tolist() == [None, '{"a": 1}']
