"""Typed parameters: one pydantic schema per ``conf/base/parameters_<pipeline>.yml``.

Each pipeline folder may hold ``schema.py`` with ``class Parameters(StrictModel)`` describing
the single top-level key of its parameters file (``parameters_<pipeline>.yml`` →
``<pipeline>: {...}``). Unknown keys, wrong types and out-of-range values are refused at
pipeline start with a :class:`~mlops_pipeline.errors.UserInputError` naming the key path and
the allowed values. The schema's field descriptions double as the configuration reference.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Base of every parameters schema: unknown keys are errors (a misspelt key never passes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
