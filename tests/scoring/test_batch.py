"""Scoring: parallel = serial, ids in order, atomic per-file writes, reject gate."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from synthetic_text_models import raw_reviews, save_model, trained_model

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.scoring import (
    PREDICTION_COLUMNS,
    batch_name,
    check_rejects,
    predict_positive,
    run_name,
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


def test_reject_gate_and_batch_names():
    check_rejects(10, {"empty_text": 1}, 0.1, "x.csv")
    with pytest.raises(UserInputError, match="2 of 10 rows rejected"):
        check_rejects(10, {"empty_text": 1, "too_long": 1}, 0.1, "x.csv")
    with pytest.raises(UserInputError):
        check_rejects(0, {}, 0.1, "x.csv")
    assert batch_name("/d/new reviews (May).csv") == "new_reviews_May_"
    assert batch_name("data/batch_01.jsonl") == "batch_01"


def test_run_names_differ_by_content_and_time_and_sort_by_time():
    at = datetime(2026, 11, 24, 10, 15, 0, 123456, tzinfo=timezone.utc)
    assert run_name("a/dup.csv", "1a2b3c4d" + "0" * 56, at) == "dup-1a2b3c4d-20261124T101500.123Z"
    assert run_name("b/dup.csv", "ffff0000" + "0" * 56, at) != run_name(
        "a/dup.csv", "1a2b" * 16, at
    )
    later = run_name("a/dup.csv", "1a2b" * 16, at + timedelta(milliseconds=1))
    assert later > run_name("a/dup.csv", "1a2b" * 16, at)
