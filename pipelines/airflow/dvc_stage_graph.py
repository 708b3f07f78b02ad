"""The stage graph of ``dvc.yaml``, read with PyYAML alone (Airflow's venv has no DVC).

A stage depends on another when one of its ``deps`` is one of the other's ``outs``, a path
inside one, or a folder holding one — the rule ``dvc dag`` applies. ``${...}`` in a path is
resolved from the ``vars:`` files (``file.yml`` or ``file.yml:key``), as DVC resolves it.
``make airflow-check`` compares the result with ``dvc dag --dot``; ``tests/test_airflow_dags.py``
with DVC's own index.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

_TEMPLATE = re.compile(r"\$\{\s*([\w.-]+)\s*\}")


def _vars(root: Path, entries: list[Any]) -> dict[str, Any]:
    """The values ``vars:`` makes available (files, ``file:key`` selections, inline dicts)."""
    merged: dict[str, Any] = {}
    for entry in entries:
        if isinstance(entry, dict):
            merged.update(entry)
            continue
        name, _, keys = str(entry).partition(":")
        data = yaml.safe_load((root / name).read_text()) or {}
        for key in filter(None, keys.split(",")):
            merged[key] = data[key]
        if not keys:
            merged.update(data)
    return merged


def _resolve(text: str, values: dict[str, Any]) -> str:
    """``text`` with every ``${a.b}`` replaced by its value (KeyError: not defined)."""

    def lookup(match: re.Match[str]) -> str:
        value: Any = values
        for part in match.group(1).split("."):
            value = value[part]
        return str(value)

    return _TEMPLATE.sub(lookup, text)


def _paths(entries: list[Any] | None, values: dict[str, Any]) -> list[str]:
    """Normalized paths of a ``deps``/``outs`` list (``- path`` or ``- path: {options}``)."""
    names = [next(iter(e)) if isinstance(e, dict) else e for e in entries or []]
    return [_resolve(str(n), values).rstrip("/") for n in names]


def _overlap(dep: str, out: str) -> bool:
    """True when ``dep`` is ``out``, lies inside it, or is a folder that holds it."""
    return dep == out or dep.startswith(out + "/") or out.startswith(dep + "/")


def stage_io(dvc_yaml: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Every stage of ``dvc_yaml`` (file order) -> (its deps, its outs), paths resolved."""
    spec = yaml.safe_load(dvc_yaml.read_text())
    values = _vars(dvc_yaml.parent, spec.get("vars", []))
    return {
        name: (_paths(stage.get("deps"), values), _paths(stage.get("outs"), values))
        for name, stage in spec["stages"].items()
    }


def upstream_stages(dvc_yaml: Path) -> dict[str, list[str]]:
    """Every stage of ``dvc_yaml`` -> the stages whose outs it depends on (sorted)."""
    io = stage_io(dvc_yaml)
    return {
        name: sorted(
            other
            for other, (_, outs) in io.items()
            if other != name and any(_overlap(d, o) for d in deps for o in outs)
        )
        for name, (deps, _) in io.items()
    }
