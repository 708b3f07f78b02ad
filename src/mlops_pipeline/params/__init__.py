"""Typed parameters: one pydantic schema per ``conf/base/parameters_<pipeline>.yml``.

Each pipeline folder may hold ``schema.py`` with ``class Parameters(StrictModel)`` describing
the single top-level key of its parameters file (``parameters_<pipeline>.yml`` →
``<pipeline>: {...}``); :class:`CommonParameters` describes ``parameters_common.yml``. Unknown
keys, wrong types and out-of-range values are refused at pipeline start
(:class:`mlops_pipeline.hooks.ParameterValidationHook`) with a one-line
:class:`~mlops_pipeline.errors.UserInputError` naming the key path and the allowed values.
Nodes still receive the plain values from the catalog: a schema checks, it does not convert.

The schemas' field descriptions are the configuration reference::

    python -m mlops_pipeline.params --markdown > docs/configuration.md
"""

from .messages import describe_type, format_validation_error
from .reference import markdown
from .schemas import (
    PIPELINES_DIR,
    TRACEBACK_ENV,
    CommonParameters,
    DocumentFrequency,
    NgramRange,
    StrictModel,
    pipeline_names,
    schema_for,
    schema_names,
    unknown_keys,
    validate_parameters,
)

__all__ = [
    "PIPELINES_DIR",
    "TRACEBACK_ENV",
    "CommonParameters",
    "DocumentFrequency",
    "NgramRange",
    "StrictModel",
    "describe_type",
    "format_validation_error",
    "markdown",
    "pipeline_names",
    "schema_for",
    "schema_names",
    "unknown_keys",
    "validate_parameters",
]
