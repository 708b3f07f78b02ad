"""BatchFilesDataset: a run folder is written whole, or not at all, and never replaced."""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.io import DatasetError

from mlops_pipeline.datasets import BatchFilesDataset


def _tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_round_trip_of_every_suffix(tmp_path):
    dataset = BatchFilesDataset(str(tmp_path / "score"))
    table = pd.DataFrame({"id": ["a"], "probability": [0.25]})
    files = {"p.parquet": table, "p.csv": table, "s.json": {"n": 1}, "r.html": "<html/>"}
    dataset.save({"r1": files})
    loaded = dataset.load()["r1"]
    pd.testing.assert_frame_equal(loaded["p.parquet"], table)
    pd.testing.assert_frame_equal(loaded["p.csv"], table)
    assert loaded["s.json"] == {"n": 1} and loaded["r.html"] == "<html/>"


def test_an_existing_run_folder_is_never_replaced(tmp_path):
    """Issue 30 #1: a second save under the same name replaced the first run's files."""
    dataset = BatchFilesDataset(str(tmp_path / "score"))
    dataset.save({"r1": {"predictions.parquet": pd.DataFrame({"id": ["a"]})}})
    before = _tree(tmp_path / "score")
    with pytest.raises(DatasetError, match="never replaced"):
        dataset.save({"r1": {"rejects.parquet": pd.DataFrame({"id": ["b"]})}})
    assert _tree(tmp_path / "score") == before


def test_a_crash_while_writing_leaves_no_folder_and_no_half_file(tmp_path, monkeypatch):
    dataset = BatchFilesDataset(str(tmp_path / "score"))
    dataset.save({"r1": {"predictions.parquet": pd.DataFrame({"id": ["a"]})}})
    before = _tree(tmp_path / "score")

    def broken(self, path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(DatasetError, match="disk full"):
        dataset.save({"r2": {"summary.json": {"n": 1}, "predictions.parquet": pd.DataFrame()}})
    monkeypatch.undo()
    assert _tree(tmp_path / "score") == before
    assert sorted(p.name for p in (tmp_path / "score").iterdir()) == ["r1"]
    assert list(dataset.load()) == ["r1"]


def test_names_are_checked_before_anything_is_written(tmp_path):
    dataset = BatchFilesDataset(str(tmp_path / "score"))
    with pytest.raises(DatasetError, match="must match"):
        dataset.save({"../up": {"a.json": {}}})
    with pytest.raises(DatasetError, match="plain file name"):
        dataset.save({"r1": {"a.json": {}, "sub/b.json": {}}})
    assert not (tmp_path / "score").exists() or not list((tmp_path / "score").iterdir())
