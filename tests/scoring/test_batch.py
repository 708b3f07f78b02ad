"""Scoring: parallel = serial, ids in order, atomic per-file writes, reject gate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.io import DatasetError
from synthetic_text_models import raw_reviews, save_model, trained_model

from mlops_pipeline.datasets import BatchFilesDataset
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.scoring import (
    PREDICTION_COLUMNS,
    batch_name,
    check_rejects,
    predict_positive,
    score_accepted,
    validate_reviews,
)


def test_parallel_chunks_equal_the_serial_path():
    model, frame = trained_model("logreg", "tfidf")
    texts = frame["text"].tolist()
    serial = model.predict_proba(texts)[:, 1]
    parallel = predict_positive(model, texts, n_process=2, chunk_size=7)
    np.testing.assert_array_equal(serial, parallel)
    assert predict_positive(model, []).shape == (0,)


def test_predictions_keep_input_ids_in_order(tmp_path):
    folder = save_model(tmp_path, "logreg", "tfidf")
    handle = ModelHandle(folder.name, folder)
    frame = raw_reviews(40).rename(columns={"review_id": "id"}).sample(frac=1, random_state=3)
    accepted, rejects = validate_reviews(frame[["id", "text"]], max_chars=10_000)
    table = score_accepted(accepted, handle, n_process=1, chunk_size=9)
    assert rejects.empty
    assert list(table.columns) == list(PREDICTION_COLUMNS)
    assert table["id"].tolist() == frame["id"].tolist()
    again = score_accepted(accepted, handle, n_process=2, chunk_size=9)
    pd.testing.assert_frame_equal(table.drop(columns="scored_at"), again.drop(columns="scored_at"))


def test_crash_while_writing_keeps_previous_predictions(tmp_path, monkeypatch):
    dataset = BatchFilesDataset(str(tmp_path / "score"))
    old = pd.DataFrame({"id": ["a"], "probability": [0.25]})
    dataset.save({"b1": {"predictions.parquet": old}})
    before = (tmp_path / "score" / "b1" / "predictions.parquet").read_bytes()

    def broken(self, path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(DatasetError, match="disk full"):
        dataset.save({"b1": {"predictions.parquet": old.assign(probability=0.75)}})
    monkeypatch.undo()
    assert (tmp_path / "score" / "b1" / "predictions.parquet").read_bytes() == before
    assert [p.name for p in (tmp_path / "score" / "b1").iterdir()] == ["predictions.parquet"]
    loaded = dataset.load()
    pd.testing.assert_frame_equal(loaded["b1"]["predictions.parquet"], old)


def test_reject_gate_and_batch_names():
    check_rejects(10, {"empty_text": 1}, 0.1, "x.csv")
    with pytest.raises(UserInputError, match="2 of 10 rows rejected"):
        check_rejects(10, {"empty_text": 1, "too_long": 1}, 0.1, "x.csv")
    with pytest.raises(UserInputError):
        check_rejects(0, {}, 0.1, "x.csv")
    assert batch_name("/d/new reviews (May).csv") == "new_reviews_May_"
    assert batch_name("data/batch_01.jsonl") == "batch_01"
