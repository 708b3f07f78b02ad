"""The pipeline registry: composites list only real pipelines; layers only flow down."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from mlops_pipeline.pipeline_registry import LAYERS
from mlops_pipeline.pipelines import imdb

PROJECT = Path(__file__).resolve().parents[2]
PIPELINES_DIR = PROJECT / "src" / "mlops_pipeline" / "pipelines"
TEXT_PIPELINES = {"ingest", "preprocess", "features", "embeddings", "baseline", "evaluate"}


def test_imdb_lists_only_pipelines_that_exist_and_every_text_pipeline():
    folders = {p.name for p in PIPELINES_DIR.iterdir() if (p / "pipeline.py").exists()}
    assert set(imdb.IMDB_PIPELINES) <= folders
    assert set(imdb.IMDB_PIPELINES) >= TEXT_PIPELINES
    assert {f for f in folders if f.startswith("train_")} <= set(imdb.IMDB_PIPELINES)
    nodes = {n.name for n in imdb.create_pipeline().nodes}
    for name in imdb.IMDB_PIPELINES:
        part = importlib.import_module(f"mlops_pipeline.pipelines.{name}").create_pipeline()
        assert {n.name for n in part.nodes} <= nodes, name


def test_a_composite_naming_a_missing_pipeline_fails_loudly(monkeypatch):
    monkeypatch.setattr(imdb, "IMDB_PIPELINES", (*imdb.IMDB_PIPELINES, "train_nosuch"))
    with pytest.raises(ModuleNotFoundError, match="train_nosuch"):
        imdb.create_pipeline()


@pytest.fixture(scope="module")
def registered():
    """Every registered pipeline and the base catalog, as `kedro run --env base` sees them."""
    bootstrap_project(PROJECT)
    from kedro.framework.project import pipelines

    with KedroSession.create(PROJECT, env="base") as session:
        catalog = session.load_context().catalog
        return {name: pipelines[name] for name in pipelines}, catalog


def _layer(catalog, name: str) -> str | None:
    dataset = catalog.get(name)
    metadata = getattr(dataset, "metadata", None) or {}
    return (metadata.get("kedro-viz") or {}).get("layer")


def test_every_dataset_has_a_known_layer_and_layers_only_flow_down(registered):
    pipelines, catalog = registered
    order = {layer: i for i, layer in enumerate(LAYERS)}
    missing, unknown, upward = set(), set(), []
    for pipeline_name, pipeline in pipelines.items():
        for node in pipeline.nodes:
            layers = {}
            for name in [*node.inputs, *node.outputs]:
                if name.startswith("params:") or name == "parameters":
                    continue
                layer = _layer(catalog, name)
                if layer is None:
                    missing.add(name)
                elif layer not in order:
                    unknown.add((name, layer))
                else:
                    layers[name] = layer
            ins = [layers[n] for n in node.inputs if n in layers]
            outs = [layers[n] for n in node.outputs if n in layers]
            if ins and outs and max(order[x] for x in ins) > min(order[x] for x in outs):
                upward.append((pipeline_name, node.name, ins, outs))
    assert not missing, f"datasets without a kedro-viz layer: {sorted(missing)}"
    assert not unknown, f"layers outside {LAYERS}: {sorted(unknown)}"
    assert not upward, f"nodes writing an earlier layer than they read: {upward}"


def test_each_stage_is_one_namespace_whose_datasets_keep_their_catalog_names(registered):
    """kedro viz draws one expandable box per stage (Kedro namespaces); the namespace is
    grouping only: dataset names (catalog entries, DVC paths) carry no prefix."""
    pipelines, _ = registered
    for name, pipeline in pipelines.items():
        if name in ("imdb", "__default__"):
            continue
        assert {n.namespace for n in pipeline.nodes} == {name}, name
        assert not [d for d in pipeline.datasets() if d.startswith(f"{name}.")], name
