"""A failed save must leave the previous parquet file in place."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mlops_pipeline.datasets import AtomicParquetDataset


def test_round_trip_and_failed_save_keeps_previous(tmp_path: Path) -> None:
    path = tmp_path / "out" / "table.parquet"
    dataset = AtomicParquetDataset(filepath=str(path))
    good = pd.DataFrame({"review_id": ["a", "b"], "x": [1, 2]})
    dataset.save(good)
    pd.testing.assert_frame_equal(dataset.load(), good)

    bad = pd.DataFrame({"review_id": ["c"], "x": [object()]})  # pyarrow cannot write object()
    with pytest.raises(Exception):  # noqa: B017 - any writer error
        dataset.save(bad)
    pd.testing.assert_frame_equal(AtomicParquetDataset(filepath=str(path)).load(), good)
    assert [p.name for p in path.parent.iterdir()] == ["table.parquet"]  # no temp files left
