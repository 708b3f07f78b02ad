"""Project hooks: node wall times recorded in one place instead of timers in node code.

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
from typing import Any

from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)


class NodeTimingHook:
    """Collects ``{pipeline: {node: seconds}}`` and saves it through ``<pipeline>_node_timings``."""

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
        for tag, nodes in sorted(self._seconds.items()):
            name = f"{tag}_node_timings"
            if name not in catalog:
                continue
            total = round(sum(nodes.values()), 3)
            catalog.save(name, {"nodes": dict(sorted(nodes.items())), "total_seconds": total})
            logger.info("%s: %d nodes in %.1f s (timings in %s)", tag, len(nodes), total, name)
