"""Every dataset the pipelines use resolves to the same type and path as the committed listing.

The catalog is written with dataset factories (``{family}_{pooling}_{fold}`` patterns); a
factory that matched one name too many, or a path that moved, would silently change where a
stage reads or writes, and DVC's outs would no longer be what the pipelines produce. The
listing ``tests/catalog_resolved.json`` was written from the explicit entries before they were
folded into factories; regenerate it knowingly with::

    python tests/test_catalog_resolved.py --write

New datasets may appear (they are additions); a listed one must resolve exactly as listed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader
from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog

PROJECT = Path(__file__).resolve().parents[1]
LISTING = Path(__file__).with_name("catalog_resolved.json")


def resolved_catalog() -> dict[str, dict[str, str | None]]:
    """Type, path and kedro-viz layer of every dataset of ``__default__`` (conf/base), and of
    the hook-written ones (``<pipeline>_node_timings``, saved by ``NodeTimingHook``)."""
    bootstrap_project(PROJECT)
    loader = OmegaConfigLoader(
        conf_source=str(PROJECT / "conf"), base_env="base", default_run_env="base"
    )
    catalog = DataCatalog.from_config(loader["catalog"])
    listing: dict[str, dict[str, str | None]] = {}
    tags = {tag for node in pipelines["__default__"].nodes for tag in node.tags}
    hook_written = {f"{tag}_node_timings" for tag in tags if tag in pipelines}
    for name in sorted(pipelines["__default__"].datasets() | hook_written):
        if name == "parameters" or name.startswith("params:"):
            continue
        config = catalog.config_resolver.resolve_pattern(name) or {}
        layer = (config.get("metadata") or {}).get("kedro-viz", {}).get("layer")
        listing[name] = {
            "type": config["type"],
            "path": config.get("filepath") or config.get("path"),
            "layer": layer,
        }
    return listing


@pytest.fixture(scope="module")
def resolved() -> dict[str, dict[str, str | None]]:
    return resolved_catalog()


def test_every_listed_dataset_resolves_to_the_same_type_path_and_layer(resolved) -> None:
    listed = json.loads(LISTING.read_text())
    moved = {
        name: (entry, resolved.get(name))
        for name, entry in listed.items()
        if resolved.get(name) != entry
    }
    assert not moved, f"datasets that resolve differently (listed, now): {moved}"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    LISTING.write_text(json.dumps(resolved_catalog(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {LISTING}")
