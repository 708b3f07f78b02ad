"""Project hooks: node wall times recorded in one place; one run at a time per pipeline.

:class:`NodeTimingHook` times every node. Each pipeline tags its nodes with its own name
(``Pipeline([...], tags="<pipeline>")``); after the run, the timings of the nodes tagged
``<pipeline>`` are saved to the catalog entry ``<pipeline>_node_timings`` when the catalog has one
(``data/08_reporting/<pipeline>/node_timings.json``). Wall times are kept out of ``metrics.json`` on
purpose (DESIGN.md "Determinism and time"): DVC compares metrics, and timings never repeat.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl

from mlops_pipeline.params import pipeline_names, validate_parameters
from mlops_pipeline.run_lock import pipeline_locks

logger = logging.getLogger(__name__)


def pipeline_names_of(pipeline: Any) -> set[str]:
    """The pipelines a run executes: each pipeline tags its nodes with its own name."""
    return {tag for node in pipeline.nodes for tag in node.tags}


def peak_rss_mb() -> float:
    """Peak resident memory of this run so far (MiB): the process or its largest child (spaCy
    workers). One DVC stage is one run, so in a stage's node_timings.json it is the stage's."""
    import resource

    kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return round(kib / 1024, 1)


class NodeTimingHook:
    """Collects ``{pipeline: {node: seconds}}`` and saves it through ``<pipeline>_node_timings``
    (with the run's peak memory, ``peak_rss_mb``)."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}
        self._seconds: dict[str, dict[str, float]] = defaultdict(dict)

    @hook_impl
    def before_pipeline_run(self) -> None:
        self._started.clear()
        self._seconds.clear()

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        seconds = round(time.perf_counter() - self._started.pop(node.name), 3)
        for tag in node.tags:
            self._seconds[tag][node.name] = seconds

    @hook_impl
    def after_pipeline_run(self, catalog: Any) -> None:
        # `{pipeline}_node_timings` is a dataset factory: only tags that name a pipeline have a
        # timings file (sub-tags such as train_classical_bow do not)
        pipelines = set(pipeline_names())
        for tag, nodes in sorted(self._seconds.items()):
            name = f"{tag}_node_timings"
            if tag not in pipelines or name not in catalog:
                continue
            total = round(sum(nodes.values()), 3)
            timings = {"nodes": dict(sorted(nodes.items())), "total_seconds": total}
            catalog.save(name, {**timings, "peak_rss_mb": peak_rss_mb()})
            logger.info("%s: %d nodes in %.1f s (timings in %s)", tag, len(nodes), total, name)


class RunLockHook:
    """Takes the run lock (:mod:`mlops_pipeline.run_lock`) of every pipeline a run executes.

    A run's pipelines are the names its nodes are tagged with (each pipeline tags its nodes
    with its own name), so ``kedro run --pipelines imdb`` locks ingest ... evaluate, and a
    concurrent ``kedro run --pipelines features`` refuses at once, naming the running one.
    """

    def __init__(self) -> None:
        self._stack: ExitStack | None = None

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any) -> None:
        names = pipeline_names_of(pipeline)
        root = Path(run_params.get("project_path") or ".")
        stack = ExitStack()
        stack.enter_context(pipeline_locks(names, root))
        self._stack = stack

    def _release(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._release()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._release()


class ParameterValidationHook:
    """Validates, before any node runs, the parameter sections a run uses against their schemas
    (:mod:`mlops_pipeline.params`; ``pipelines/<name>/schema.py``, ``common``).

    The sections are the run's pipelines (its nodes' tags) and every top-level key a node reads
    (``params:preprocess.text`` -> ``preprocess``). A section without a schema is skipped. A bad
    key, type or value raises :class:`~mlops_pipeline.errors.UserInputError` with one line
    naming the file, the key path and the allowed values. Pluggy calls hooks last-registered
    first, so this runs before :class:`RunLockHook`: a refused run takes no lock.
    """

    @staticmethod
    def sections(pipeline: Any) -> set[str]:
        """Top-level parameter sections the nodes of ``pipeline`` use."""
        names = pipeline_names_of(pipeline)
        for node in pipeline.nodes:
            for name in node.inputs:
                if name.startswith("params:"):
                    names.add(name.removeprefix("params:").split(".", 1)[0])
        return names

    @hook_impl
    def before_pipeline_run(self, pipeline: Any, catalog: Any) -> None:
        for section in sorted(self.sections(pipeline)):
            key = f"params:{section}"
            if key in catalog:
                validate_parameters(section, catalog.get(key).load())
