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


# -- issue 30: strict parsing -------------------------------------------------------------
def test_csv_row_with_more_fields_than_the_header_fails_naming_the_line(tmp_path):
    """Issue 30 #3: pandas turned the extra field into the index (ids "Great film")."""
    path = tmp_path / "c.csv"
    path.write_text("id,text\nr1,Great film, loved it\nr2,Awful, boring\n")
    with pytest.raises(UserInputError) as info:
        read_reviews(path)
    message = str(info.value)
    assert "c.csv" in message and "line 2" in message and "3 fields" in message
    assert "quote" in message and "\n" not in message
    # a later line only (pandas' own error was a multi-line C error)
    path.write_text('id,text\nr1,"Great film, loved it"\n\nr2,Awful, boring\n')
    with pytest.raises(UserInputError, match=r"line 4 has 3 fields"):
        read_reviews(path)


def test_csv_quoted_commas_newlines_and_short_rows_are_read_as_written(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes(
        b'\xef\xbb\xbfid,text,label\r\nr1,"Great film, loved it",1\r\n'
        b'r2,"two\nlines ""quoted""",0\r\nr3\r\nr4,,1\r\n'
    )
    frame = read_reviews(path)
    assert list(frame.columns) == ["id", "text", "label"]
    assert frame["id"].tolist() == ["r1", "r2", "r3", "r4"]
    assert frame["text"].tolist()[:2] == ["Great film, loved it", 'two\nlines "quoted"']
    accepted, rejects = validate_reviews(frame, max_chars=100)
    assert accepted["id"].tolist() == ["r1", "r2"] and accepted["label"].tolist() == [1, 0]
    assert rejects["reason"].tolist() == ["missing_text", "missing_text"]


def test_duplicate_csv_header_fails(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,text,text\n1,a,b\n")
    with pytest.raises(UserInputError, match=r"dup.csv: column 'text' appears twice"):
        read_reviews(path)


def test_jsonl_ids_must_be_strings_or_integers(tmp_path):
    """Issue 30 #4: null, {"a":1}, [1,2] became the ids "None", "{'a': 1}", "[1, 2]"."""
    path = tmp_path / "ids.jsonl"
    lines = [
        '{"id": "a", "text": "good film"}',
        '{"id": 7, "text": "good film"}',
        '{"id": null, "text": "good film"}',
        '{"id": {"a": 1}, "text": "good film"}',
        '{"id": [1, 2], "text": "good film"}',
        '{"id": 1.5, "text": "good film"}',
        '{"id": true, "text": "good film"}',
        '{"id": "", "text": "good film"}',
        '{"text": "good film"}',
        '{"id": "nul\\u0000id", "text": "good film"}',
    ]
    path.write_text("\n".join(lines) + "\n")
    accepted, rejects = validate_reviews(read_reviews(path), max_chars=100)
    assert accepted["id"].tolist() == ["a", "7"]
    assert rejects["reason"].tolist() == [
        "missing_id",
        "invalid_id",
        "invalid_id",
        "invalid_id",
        "invalid_id",
        "missing_id",
        "missing_id",
        "invalid_id",
    ]


def test_ids_in_frames_float_ids_are_rejected_not_rounded():
    frame = pd.DataFrame({"id": pd.Series([1, 2.5, 3.0], dtype=object), "text": ["a b"] * 3})
    accepted, rejects = validate_reviews(frame, max_chars=10)
    assert accepted["id"].tolist() == ["1"]
    assert rejects["reason"].tolist() == ["invalid_id", "invalid_id"]
    ints = pd.DataFrame({"id": np.array([5, 6], dtype=np.int64), "text": ["a b", "c d"]})
    assert validate_reviews(ints, max_chars=10)[0]["id"].tolist() == ["5", "6"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_nul_bytes_are_a_reject_reason_not_a_cut(tmp_path, suffix):
    """Issue 30 #4: a NUL byte silently cut the text short."""
    path = tmp_path / f"nul{suffix}"
    if suffix == ".csv":
        path.write_bytes(b"id,text\nr1,Great \x00film\nr2,fine film\n")
    elif suffix == ".jsonl":
        path.write_text(
            '{"id": "r1", "text": "Great \\u0000film"}\n{"id": "r2", "text": "fine film"}\n'
        )
    else:
        pd.DataFrame({"id": ["r1", "r2"], "text": ["Great \x00film", "fine film"]}).to_parquet(path)
    frame = read_reviews(path)
    accepted, rejects = validate_reviews(frame, max_chars=100)
    assert accepted["id"].tolist() == ["r2"]
    assert rejects["reason"].tolist() == ["nul_byte"]
    assert rejects["text"].tolist() == ["Great \x00film"]  # kept whole in the rejects


def test_text_that_cleans_to_nothing_is_empty_and_digits_only_has_no_words():
    """Issue 30 #6: `<br /><br />` was scored; `12345` carries no word."""
    frame = pd.DataFrame(
        {
            "id": ["html", "digits", "url", "ok", "short", "accents", "punct"],
            "text": [
                "<br /><br />",
                "12345",
                "http://example.com/x",
                "<br />Loved it<br />",
                "ok",
                "très bien",
                "10/10 !!!",
            ],
        }
    )
    accepted, rejects = validate_reviews(frame, max_chars=100)
    assert accepted["id"].tolist() == ["ok", "short", "accents"]
    assert accepted["text"].tolist()[0] == "<br />Loved it<br />"  # raw text is what is scored
    assert dict(zip(rejects["id"], rejects["reason"], strict=True)) == {
        "html": "empty_text",
        "digits": "no_words",
        "url": "empty_text",
        "punct": "no_words",
    }


def test_jsonl_line_that_is_not_json_fails_naming_the_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": "fine"}\n\n{"id": "b", "text": "cut\n')
    with pytest.raises(UserInputError, match=r"broken.jsonl: line 3 is not valid JSON"):
        read_reviews(path)
    path.write_text('{"id": "a", "text": "fine"}\n["b", "x"]\n')
    with pytest.raises(UserInputError, match=r"line 2 is not a JSON object"):
        read_reviews(path)


def test_reader_records_the_content_hash(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"id,text\n1,fine film\n")
    import hashlib

    assert read_reviews(path).attrs["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_rejects_of_mixed_types_are_text_and_can_be_saved(tmp_path):
    """Rejected ids {"a": 1}, [1, 2], 1.5 next to string ids: pyarrow refused the column."""
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"id": "a", "text": "good film"}\n{"id": {"a": 1}, "text": "good film"}\n'
        '{"id": [1, 2], "text": 5}\n{"id": 1.5, "text": "good film"}\n'
        '{"id": null, "text": "good film"}\n'
    )
    _, rejects = validate_reviews(read_reviews(path), max_chars=100)
    assert rejects["id"].tolist() == ['{"a": 1}', "[1, 2]", "1.5", None]
    assert rejects["text"].tolist() == ["good film", "5", "good film", "good film"]
    rejects.to_parquet(tmp_path / "rejects.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "rejects.parquet"), rejects)


@pytest.mark.parametrize(
    ("content", "line"),
    [('id,text\nr1,"quoted" then more\n', 2), ('id,text\nr0,fine\nr1,"never closed\nr2,x\n', 3)],
)
def test_broken_csv_quoting_fails_naming_the_line(tmp_path, content, line):
    """pandas silently read '"quoted" then more' as 'quoted then more'."""
    path = tmp_path / "q.csv"
    path.write_text(content)
    with pytest.raises(UserInputError, match=rf"record starting on line {line} is not valid CSV"):
        read_reviews(path)
