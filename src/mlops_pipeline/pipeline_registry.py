"""Project pipelines: one per folder under ``pipelines/`` plus the composite ones.

Composite pipelines (``imdb``, ``__default__``) are sums only; they are never DVC stages.
"""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# The text chain in execution order; names missing from the project are skipped, so the
# composite grows as pipelines are added without editing this file.
IMDB_PIPELINES = (
    "ingest",
    "preprocess",
    "features",
    "embeddings",
    "baseline",
    "train_classical",
    "train_lstm",
    "train_bert",
    "evaluate",
    "drift",
)


def register_pipelines() -> dict[str, Pipeline]:
    """Register every pipeline folder plus ``imdb`` and ``__default__``."""
    pipelines = find_pipelines(raise_errors=True)
    imdb_parts = [pipelines[name] for name in IMDB_PIPELINES if name in pipelines]
    pipelines["imdb"] = sum(imdb_parts, Pipeline([]))
    pipelines["__default__"] = sum(pipelines.values(), Pipeline([]))
    return pipelines
