"""``kedro viz run`` serves every registered pipeline and node, with the layer view on."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project

from mlops_pipeline.offline_plots import build_template, render_template
from mlops_pipeline.viz import free_port, stop, viz_server

PROJECT = Path(__file__).resolve().parents[1]


def live_group_members(pgid: int, wait_s: float = 5.0) -> list[int]:
    """Processes of group ``pgid`` still running (zombies awaiting a reaper do not count)."""
    deadline = time.monotonic() + wait_s
    while True:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(stat.parent.name))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.fixture(scope="module")
def registered() -> dict:
    bootstrap_project(PROJECT)
    return {name: pipeline for name, pipeline in pipelines.items()}


@pytest.mark.slow
def test_kedro_viz_serves_every_pipeline_node_and_the_layers(registered, tmp_path) -> None:
    log = tmp_path / "viz.log"
    with viz_server(PROJECT, env="test", log=log) as server:
        graph = server.api()
        process = server.process
    assert process.poll() is not None, "the server outlived its context"
    assert not live_group_members(process.pid), "uvicorn's children outlived the server"

    served = {p["id"] for p in graph["pipelines"]}
    assert set(registered) <= served, set(registered) - served
    tasks: dict[str, set[str]] = {}
    for node in graph["nodes"]:
        if node["type"] == "task":
            tasks.setdefault(node["name"], set()).update(node["pipelines"])
    for name, pipeline in registered.items():
        for node in pipeline.nodes:
            # kedro-viz names a task without its namespace (the stage's box holds it)
            short = node.name.removeprefix(f"{node.namespace}.") if node.namespace else node.name
            assert name in tasks.get(short, set()), f"node {node.name} missing from {name}"
    # every stage is one expandable box (a Kedro namespace), so the default view draws at once
    stages = {name for name in registered if name not in ("imdb", "__default__")}
    assert stages <= set(graph["modular_pipelines"]), stages - set(graph["modular_pipelines"])
    datasets = {n["name"]: n for n in graph["nodes"] if n["type"] == "data"}
    layers = set(graph["layers"])
    for name, pipeline in registered.items():
        for dataset in pipeline.datasets():
            if dataset.startswith("params:") or dataset == "parameters":
                continue
            node = datasets.get(dataset)
            assert node is not None, f"dataset {dataset} of {name} missing"
            assert node["layer"] is None or not layers or node["layer"] in layers
    # kedro-viz turns the layer view off when the layers do not form a DAG (its log says which)
    assert layers, f"layer view disabled (layer cycle): see {log}"


def test_free_port_is_bindable_and_in_kedro_viz_range() -> None:
    port = free_port()
    assert 1024 < port <= 49151


def test_stop_kills_the_process_group() -> None:
    parent = subprocess.Popen(
        ["bash", "-c", "sleep 300 & sleep 300 & wait"], start_new_session=True
    )
    stop(parent, grace=5)
    assert parent.poll() is not None
    assert not live_group_members(parent.pid)


def test_offline_plots_template_inlines_vega_and_loads_nothing_remote() -> None:
    page = render_template("window.vegaEmbed = function () {}; /* </script> */")
    assert "{plot_divs}" in page and "{scripts}" not in page
    assert "<\\/script> */" in page  # a closing tag inside the bundle cannot end the script
    with pytest.raises(RuntimeError, match="remote script"):
        render_template('<script src="https://cdn.example/vega.js"></script>')


def test_offline_plots_template_from_the_vl_convert_bundle(tmp_path) -> None:
    page = build_template(tmp_path / "offline_plots.html").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in page and "{plot_divs}" in page
    assert page.count("<script") == 1
