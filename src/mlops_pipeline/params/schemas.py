"""The schemas: :class:`StrictModel`, the shared field types, finding each pipeline's
``schema.py`` and validating a parameters section against it."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from mlops_pipeline.errors import UserInputError

from .messages import format_validation_error

PACKAGE = "mlops_pipeline"
PIPELINES_DIR = Path(__file__).parents[1] / "pipelines"
#: Environment variable that shows the full traceback of a user-input error (see ``cli.py``).
TRACEBACK_ENV = "MLOPS_TRACEBACK"


class StrictModel(BaseModel):
    """Base of every parameters schema: unknown keys are errors (a misspelt key never passes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CommonParameters(StrictModel):
    """Knobs shared by several pipelines (``common:`` in ``parameters_common.yml``)."""

    seed: int = Field(
        ge=0,
        le=2**32 - 1,
        description="Global random seed: fold split, vectorizer probes, embeddings, models.",
    )


# -- shared field types --------------------------------------------------------------------


def unknown_keys(value: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    """Raise an ``unknown_key`` validation error for the first key of ``value`` not in
    ``allowed`` (for open mappings checked against a list, e.g. scikit-learn arguments);
    ``prefix`` is the key path from the validated field or model to ``value``."""
    allowed = sorted(set(allowed))
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        key = f"{prefix}.{unknown[0]}" if prefix else str(unknown[0])
        raise PydanticCustomError(
            "unknown_key",
            "unknown key {key} (allowed: {allowed})",
            {"key": key, "allowed": ", ".join(allowed)},
        )


def _ordered_pair(value: list[int]) -> list[int]:
    if value[0] > value[1]:
        raise ValueError(f"the first value must not exceed the second, got {value}")
    return value


def _document_frequency(value: int | float) -> int | float:
    if isinstance(value, int) and value < 1:
        raise ValueError(f"an integer is a document count and must be >= 1, got {value}")
    if isinstance(value, float) and not 0.0 <= value <= 1.0:
        raise ValueError(f"a number is a share of documents and must be in [0, 1], got {value}")
    return value


#: ``[min_n, max_n]`` n-gram orders (``[1, 2]`` = unigrams and bigrams).
NgramRange = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(min_length=2, max_length=2),
    AfterValidator(_ordered_pair),
]
#: scikit-learn ``min_df`` / ``max_df``: an integer count (>= 1) or a share in [0, 1].
DocumentFrequency = Annotated[Union[int, float], AfterValidator(_document_frequency)]  # noqa: UP007


# -- finding the schemas -------------------------------------------------------------------


def pipeline_names() -> list[str]:
    """Pipeline folders under ``mlops_pipeline/pipelines`` (sorted): every pipeline, composites
    included. The project's one list: the pipeline registry adds ``__default__`` to it."""
    return sorted(
        p.name
        for p in PIPELINES_DIR.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and not p.name.startswith(("_", "."))
    )


def schema_for(name: str) -> type[StrictModel] | None:
    """The schema of parameters section ``name``: ``common`` or a pipeline with ``schema.py``."""
    if name == "common":
        return CommonParameters
    if not name.isidentifier() or not (PIPELINES_DIR / name / "schema.py").exists():
        return None
    module = importlib.import_module(f"{PACKAGE}.pipelines.{name}.schema")
    return module.Parameters


def schema_names() -> list[str]:
    """Every parameters section that has a schema: ``common``, then the pipelines."""
    return ["common", *(n for n in pipeline_names() if (PIPELINES_DIR / n / "schema.py").exists())]


# -- validation and its one-line message ----------------------------------------------------


def validate_parameters(name: str, value: Any) -> StrictModel | None:
    """Validate section ``name`` (``params:<name>``); ``None`` when it has no schema.

    Raises:
        UserInputError: one line naming the file, the key path, what is wrong and the fix.
    """
    schema = schema_for(name)
    if schema is None:
        return None
    try:
        return schema.model_validate(value)
    except ValidationError as exc:
        raise UserInputError(format_validation_error(name, schema, exc)) from None
