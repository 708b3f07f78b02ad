"""Project pipelines: one per folder under ``pipelines/`` (found by ``find_pipelines``).

``imdb`` is the composite text chain (``pipelines/imdb``, a sum of the text pipelines) and
``__default__`` the sum of everything. Composites are never DVC stages.
"""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

#: Kedro's data layers in the order data flows (``data/01_raw`` ... ``data/08_reporting``).
#: Every catalog entry names one (``metadata: {kedro-viz: {layer: ...}}``) and no node writes a
#: layer earlier than one it reads, so ``kedro viz`` can draw the layer view (tested).
LAYERS = (
    "raw",
    "intermediate",
    "primary",
    "feature",
    "model_input",
    "models",
    "model_output",
    "reporting",
)


def register_pipelines() -> dict[str, Pipeline]:
    """Register every pipeline folder plus ``__default__`` (all of them)."""
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(pipelines.values(), Pipeline([]))
    return pipelines
