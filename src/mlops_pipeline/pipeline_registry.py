"""Project pipelines: one per folder under ``pipelines/`` (found by ``find_pipelines``).

``imdb`` is the composite text chain (``pipelines/imdb``, a sum of the text pipelines) and
``__default__`` the sum of everything. Composites are never DVC stages.
"""

from __future__ import annotations

import difflib

from kedro.framework.project import find_pipelines, pipelines
from kedro.pipeline import Pipeline

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.params import pipeline_names

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


def registered_names() -> list[str]:
    """Every registered pipeline name: the pipeline folders
    (:func:`mlops_pipeline.params.pipeline_names`) and ``__default__``."""
    return [*pipeline_names(), "__default__"]


def check_pipeline_names(requested: list[str] | None) -> None:
    """Refuse an unknown name in one line listing the registered ones (and the closest).

    Kedro >= 1.5 imports only the requested pipelines; asked for a missing one,
    ``find_pipelines(raise_errors=True)`` raises a misleading ``ImportError`` instead of
    Kedro's own "did you mean" message, so the names are checked here first.
    """
    known = registered_names()
    for name in requested or []:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise UserInputError(
                f"Unknown pipeline '{name}'.{hint} Registered pipelines: {', '.join(known)}."
            )


def register_pipelines() -> dict[str, Pipeline]:
    """Register every pipeline folder plus ``__default__`` (all of them)."""
    # The names `kedro run --pipelines` asked for (Kedro's selective loading filter).
    check_pipeline_names(getattr(pipelines, "_requested_pipelines", None))
    found = find_pipelines(raise_errors=True)
    found["__default__"] = sum(found.values(), Pipeline([]))
    return found
