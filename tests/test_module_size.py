"""Rooms of one job each: no module in ``src/`` over 350 lines, no node function over ~40.

A module that grows past the limit holds more than one job (split it by responsibility, as
``params/`` and ``registry/`` are split); a node past ~40 lines does more than one thing (move
the work into a library function and keep the node as glue).
"""

from __future__ import annotations

import inspect
from pathlib import Path

from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project

PROJECT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 350
#: ~40 lines of code; the docstring of a node that says what it does is not held against it
MAX_NODE_LINES = 45


def test_no_module_in_src_is_over_the_limit() -> None:
    sizes = {
        str(path.relative_to(PROJECT)): len(path.read_text().splitlines())
        for path in (PROJECT / "src").rglob("*.py")
    }
    assert not {p: n for p, n in sizes.items() if n > MAX_MODULE_LINES}


def test_no_node_function_is_over_the_limit() -> None:
    bootstrap_project(PROJECT)
    long = {}
    for node in pipelines["__default__"].nodes:
        func = inspect.unwrap(node.func)
        lines, _ = inspect.getsourcelines(func)
        if len(lines) > MAX_NODE_LINES:
            long[node.name] = (func.__module__, func.__qualname__, len(lines))
    assert not long
