"""Batch validation: every row is accepted or rejected with a reason; schema errors name columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.datasets import ReviewsFileDataset
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.scoring import read_reviews, validate_reviews


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", None, "a", "c", "d", "e", "f", "g", "h"],
            "text": [
                "good film",
                "bad film",
                "no id",
                "dup",
                None,
                "   ",
                "x" * 50,
                12345,
                "broken \ufffd bytes",
                b"\xff\xfe not utf8",
            ],
            "label": [1, 0, 1, 1, 0, 1, 0, 1, 0, 1],
        }
    )


def test_mixed_rows_add_up_and_carry_reasons():
    frame = _mixed()
    accepted, rejects = validate_reviews(frame, max_chars=20)
    assert len(accepted) + len(rejects) == len(frame)
    assert list(accepted["id"]) == ["a", "b"]
    assert list(accepted.columns) == ["id", "text", "label"]
    assert list(rejects["reason"]) == [
        "missing_id",
        "duplicate_id",
        "missing_text",
        "empty_text",
        "too_long",
        "not_a_string",
        "undecodable",
        "undecodable",
    ]
    assert list(rejects["row"]) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert {"id", "text", "label", "reason"} <= set(rejects.columns)


def test_labels_checked_only_when_present():
    frame = pd.DataFrame({"id": [1, 2, 3], "text": ["a", "b", "c"], "label": [1, 7, None]})
    accepted, rejects = validate_reviews(frame, max_chars=10)
    assert list(accepted["id"]) == ["1", "3"]
    assert list(rejects["reason"]) == ["invalid_label"]
    _, rejects = validate_reviews(frame, max_chars=10, require_label=True)
    assert list(rejects["reason"]) == ["invalid_label", "missing_label"]
    accepted, _ = validate_reviews(frame.drop(columns="label"), max_chars=10)
    assert list(accepted.columns) == ["id", "text"]


@pytest.mark.parametrize("columns", [["id", "body"], ["key", "text"]])
def test_missing_columns_are_named(columns):
    frame = pd.DataFrame([["1", "x"]], columns=columns)
    with pytest.raises(UserInputError) as info:
        validate_reviews(frame, max_chars=10, source="new.csv")
    message = str(info.value)
    assert "new.csv" in message and str(columns) in message and "['id', 'text']" in message
    assert "\n" not in message


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_reader_round_trips_each_format(tmp_path, suffix):
    frame = pd.DataFrame({"id": ["007", "2"], "text": ['great, "quoted"', "awful"]})
    dataset = ReviewsFileDataset(str(tmp_path / f"batch{suffix}"))
    dataset.save(frame)
    loaded = dataset.load()
    assert list(loaded["id"]) == ["007", "2"]
    assert list(loaded["text"]) == list(frame["text"])
    assert loaded.attrs["source"].endswith(f"batch{suffix}")


def test_csv_with_undecodable_bytes_rejects_the_row_not_the_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,text\n1,fine\n2,bro\xffken\n")
    accepted, rejects = validate_reviews(read_reviews(path), max_chars=100)
    assert list(accepted["id"]) == ["1"]
    assert list(rejects["reason"]) == ["undecodable"]


def test_unknown_suffix_and_missing_file_are_user_errors(tmp_path):
    with pytest.raises(UserInputError, match="unknown file type"):
        read_reviews(tmp_path / "x.txt")
    with pytest.raises(UserInputError, match="no such file"):
        read_reviews(tmp_path / "x.csv")


def test_large_batch_is_fast():
    n = 50_000
    frame = pd.DataFrame({"id": np.arange(n).astype(str), "text": ["a review"] * n})
    accepted, rejects = validate_reviews(frame, max_chars=100)
    assert len(accepted) == n and rejects.empty
