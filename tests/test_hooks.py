"""The node timing hook: wall times per node, saved through `<pipeline>_node_timings`."""

from __future__ import annotations

import pytest
from kedro.io import DataCatalog, DatasetError, MemoryDataset
from kedro.pipeline import Pipeline, node

from mlops_pipeline.hooks import NodeTimingHook


def _double(x: int) -> int:
    return 2 * x


def test_hook_saves_each_tagged_pipelines_node_times_only_where_the_catalog_has_an_entry():
    pipeline = Pipeline(
        [
            node(_double, "a", "b", name="first"),
            node(_double, "b", "c", name="second", tags=["other", "ingest_part"]),
        ],
        tags="ingest",
    )
    catalog = DataCatalog(
        {
            "a": MemoryDataset(1),
            "ingest_node_timings": MemoryDataset(),
            # an entry for a sub-tag (the catalog's factory would match it): not a pipeline
            "ingest_part_node_timings": MemoryDataset(),
        }
    )
    hook = NodeTimingHook()
    hook.before_pipeline_run()
    for n in pipeline.nodes:
        hook.before_node_run(n)
        hook.after_node_run(n)
    hook.after_pipeline_run(catalog)
    saved = catalog.load("ingest_node_timings")
    assert set(saved["nodes"]) == {"first", "second"}
    assert saved["total_seconds"] == round(sum(saved["nodes"].values()), 3)
    assert saved["peak_rss_mb"] > 0  # the run's peak memory (benchmarks/run.py reports it)
    assert "other_node_timings" not in catalog  # no entry: nothing written, no error
    with pytest.raises(DatasetError):  # a tag that is no pipeline: never saved
        catalog.load("ingest_part_node_timings")
