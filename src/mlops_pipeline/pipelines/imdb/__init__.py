"""Composite pipeline ``imdb``: the sum of the text pipelines, in chain order.

It is a module (not only an entry built in ``pipeline_registry``) because Kedro >= 1.5 loads
pipelines selectively: ``kedro run --pipelines imdb`` imports ``pipelines.imdb`` only, so the
composite must assemble its parts itself. It is never a DVC stage. Every name listed here must
exist: a missing one fails the import loudly instead of being skipped.
"""

from __future__ import annotations

import importlib

from kedro.pipeline import Pipeline

#: The text chain. Add a pipeline here when its folder exists (tests check every name).
IMDB_PIPELINES = (
    "ingest",
    "preprocess",
    "features",
    "embeddings",
    "baseline",
    "train_classical",
    "train_lstm",
    "train_bert",
    "train_ensemble",
    "evaluate",
    "drift",
)


def create_pipeline(**kwargs) -> Pipeline:
    """The sum of :data:`IMDB_PIPELINES`; an unknown name raises ``ModuleNotFoundError``."""
    package = __package__.rsplit(".", 1)[0]
    parts = [
        importlib.import_module(f"{package}.{name}").create_pipeline() for name in IMDB_PIPELINES
    ]
    return sum(parts, Pipeline([]))
