"""Pipeline ``preprocess`` on a tiny synthetic reviews table (no real data, no project run)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from mlops_pipeline.datasets import AtomicParquetDataset
from mlops_pipeline.pipelines.preprocess import create_pipeline
from mlops_pipeline.pipelines.preprocess.nodes import (
    COLUMNS,
    preprocess_reviews,
    report_preprocess,
)


class _KeptMemoryDataset(MemoryDataset):
    def _release(self) -> None:
        pass


TEXT: dict = {}  # every option at its default (DEFAULT_CONFIG)
SPEED = {"n_process": 1, "chunk_size": 2, "show_progress": False}


@pytest.fixture
def reviews() -> pd.DataFrame:
    texts = [
        "It's <i>not</i> good!<br /><br />I didn't like it.",
        "",
        "<br /><br />",
        "Loved it &amp; the children were running http://imdb.com/title/tt1",
        "😀 とても良い",
        "Fine. " * 11000,
    ]
    ids = ["train_neg_0", "train_pos_9", "test_neg_3", "test_pos_1", "unsup_5", "unsup_2"]
    return pd.DataFrame(
        {
            "review_id": ids,
            "split": ["train", "train", "test", "test", "unsup", "unsup"],
            "fold": ["fit", "val", "test", "test", "unsup", "unsup"],
            "label": pd.array([0, 1, 0, 1, None, None], dtype="Int8"),
            "rating": pd.array([2, 8, 1, 9, None, None], dtype="Int8"),
            "movie_id": ["tt1", "tt2", "tt3", "tt4", "tt5", "tt6"],
            "text": texts,
        }
    )


def test_output_keeps_ids_order_rows_and_columns(reviews: pd.DataFrame) -> None:
    table = preprocess_reviews(reviews, TEXT, SPEED)
    assert list(table.columns) == COLUMNS
    assert table["review_id"].tolist() == reviews["review_id"].tolist()
    assert str(table["label"].dtype) == "Int8" and table["label"].isna().sum() == 2
    assert table["label"].tolist()[:4] == [0, 1, 0, 1]
    assert table.loc[0, "tokens"] == [
        "it",
        "'s",
        "not",
        "good",
        "!",
        "i",
        "do",
        "not",
        "like",
        "it",
    ]
    assert table.loc[0, "text_light"] == "It's not good! I didn't like it."
    assert table.loc[1, "tokens"] == [] and table.loc[2, "tokens"] == []
    assert table.loc[3, "tokens"] == ["love", "it", "the", "child", "be", "run"]
    assert len(table.loc[5, "tokens"]) == 11000


def test_speed_knobs_do_not_change_the_output(reviews: pd.DataFrame) -> None:
    serial = preprocess_reviews(reviews, TEXT, SPEED)
    parallel = preprocess_reviews(reviews, TEXT, {"n_process": 2, "chunk_size": 1})
    pd.testing.assert_frame_equal(serial, parallel)
    with pytest.raises(TypeError):
        preprocess_reviews(reviews, TEXT, {"n_processes": 2})  # a misspelt knob is an error
    with pytest.raises(ValueError, match="preprocess.speed"):
        preprocess_reviews(reviews, {"n_process": 2}, SPEED)  # speed in the text section


def test_tokens_column_is_a_real_list_column_in_parquet(
    reviews: pd.DataFrame, tmp_path: Path
) -> None:
    table = preprocess_reviews(reviews, TEXT, SPEED)
    path = tmp_path / "reviews_preprocessed.parquet"
    AtomicParquetDataset(filepath=str(path)).save(table)
    schema = pq.read_schema(path)
    assert str(schema.field("tokens").type) == "list<element: string>"
    assert str(schema.field("label").type) == "int8"  # nullable Int8, not float
    back = AtomicParquetDataset(filepath=str(path)).load()
    assert list(back.loc[0, "tokens"]) == table.loc[0, "tokens"]
    assert len(back.loc[1, "tokens"]) == 0


def test_report_counts_empty_token_lists(reviews: pd.DataFrame) -> None:
    table = preprocess_reviews(reviews, TEXT, SPEED)
    metrics, details = report_preprocess(table)
    assert set(metrics) == {
        "rows",
        "tokens_per_review_mean",
        "vocabulary_size",
        "empty_token_lists",
    }
    assert metrics["rows"] == 6 and metrics["empty_token_lists"] == 2
    assert details["empty_token_list_ids"] == ["train_pos_9", "test_neg_3"]
    assert details["tokens_total"] == int(table["tokens"].map(len).sum())
    assert details["rows_per_fold"] == {"fit": 1, "test": 2, "unsup": 2, "val": 1}
    assert "second" not in str(details)  # node wall times live in node_timings.json


def test_parameters_reach_the_nodes(reviews: pd.DataFrame) -> None:
    stemmed = preprocess_reviews(reviews, {"lemmatizer": "none", "stemmer": "porter"}, SPEED)
    assert stemmed.loc[3, "tokens"] == ["love", "it", "the", "children", "were", "run"]
    kept_case = preprocess_reviews(reviews, {"clean": {"lowercase": False}}, SPEED)
    assert kept_case.loc[3, "tokens"][0] == "Loved"


def test_pipeline_runs_end_to_end_in_memory(reviews: pd.DataFrame) -> None:
    # The runner releases in-memory data after its last use; these keep it for the asserts.
    outputs = {
        name: _KeptMemoryDataset()
        for name in ("reviews_preprocessed", "preprocess_metrics", "preprocess_details")
    }
    catalog = DataCatalog(
        {
            "reviews": MemoryDataset(reviews),
            "params:preprocess.text": MemoryDataset(TEXT),
            "params:preprocess.speed": MemoryDataset({**SPEED, "n_process": 2}),
            **outputs,
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    table = catalog.load("reviews_preprocessed")
    assert table["review_id"].tolist() == reviews["review_id"].tolist()
    assert catalog.load("preprocess_metrics")["empty_token_lists"] == 2
    assert catalog.load("preprocess_details")["rows_per_fold"]["test"] == 2
    pipeline = create_pipeline()
    names = {n.name for n in pipeline.nodes}
    assert names == {"preprocess.preprocess_reviews", "preprocess.report_preprocess"}
    assert all("preprocess" in n.tags for n in pipeline.nodes)
