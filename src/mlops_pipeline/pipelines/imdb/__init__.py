"""Composite pipeline ``imdb``: the sum of the text pipelines that exist, in chain order.

It is a module (not only an entry built in ``pipeline_registry``) because Kedro >= 1.5 loads
pipelines selectively: ``kedro run --pipelines imdb`` imports ``pipelines.imdb`` only, so the
composite must assemble its parts itself. It is never a DVC stage.
"""

from __future__ import annotations

import importlib
import importlib.util

from kedro.pipeline import Pipeline

#: The text chain; names not (yet) present in the project are skipped.
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


def create_pipeline(**kwargs) -> Pipeline:
    parts = []
    for name in IMDB_PIPELINES:
        module_name = f"{__package__.rsplit('.', 1)[0]}.{name}"
        if importlib.util.find_spec(module_name) is not None:
            parts.append(importlib.import_module(module_name).create_pipeline())
    return sum(parts, Pipeline([]))
