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

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import annotated_types
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from mlops_pipeline.errors import UserInputError

PACKAGE = "mlops_pipeline"
PIPELINES_DIR = Path(__file__).parent / "pipelines"
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


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[T, m1, m2]`` -> ``(T, [m1, m2])`` (nested ``Field`` metadata flattened)."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        for item in args[1:]:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, metadata


def _union_members(annotation: Any) -> list[Any] | None:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return list(typing.get_args(annotation))
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_annotation(field: FieldInfo) -> Any:
    if field.metadata:
        return Annotated[(field.annotation, *field.metadata)]
    return field.annotation


class _Located(typing.NamedTuple):
    path: str  # "baselines.seasonal_period", "models[3].family"
    annotation: Any  # the annotation at the path (None when the key is unknown)
    parent: type[BaseModel] | None  # the model holding the last key


def _locate(schema: type[BaseModel], loc: Sequence[int | str]) -> _Located:
    """Walk a pydantic error location through the schema's annotations."""
    annotation: Any = schema
    parent: type[BaseModel] | None = None
    path = ""
    for step in loc:
        base, _ = _strip_annotated(annotation)
        members = _union_members(base)
        if members is not None:
            non_null = [m for m in members if m is not type(None)]
            named = [
                m
                for m in non_null
                if _is_model(_strip_annotated(m)[0]) and _strip_annotated(m)[0].__name__ == step
            ]
            if named:  # the model member of a union, named by its class in the location
                annotation = named[0]
                continue
            if len(non_null) == 1:
                base, _ = _strip_annotated(non_null[0])
            else:  # a tag such as "constrained-int": the error is about the union as a whole
                continue
        if _is_model(base):
            parent = base
            path = f"{path}.{step}" if path else str(step)
            field = base.model_fields.get(str(step))
            annotation = _field_annotation(field) if field is not None else None
            if field is None:
                break
            continue
        origin, args = typing.get_origin(base), typing.get_args(base)
        if origin in (list, tuple) and isinstance(step, int):
            path += f"[{step}]"
            annotation = args[0] if args else Any
        elif origin is dict and isinstance(step, str):
            path = f"{path}.{step}" if path else step
            annotation = args[1] if len(args) == 2 else Any
        # anything else (e.g. "[key]" of a dict key error) adds nothing to the path
    return _Located(path, annotation, parent)


def _scalar(value: Any) -> str:
    """A value as the YAML would spell it (``null``, ``true``, ``[1, 2]``, ``abc``)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _number(value: Any) -> str:
    """``0`` for both ``0`` and ``0.0``: pydantic may hand back an equal constraint object
    created for another field (``Ge(0) == Ge(0.0)``), so the type of the bound is not stable."""
    if isinstance(value, int | float) and float(value).is_integer():
        return str(int(value))
    return _scalar(value)


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _constraints(metadata: Sequence[Any]) -> list[str]:
    out = []
    for item in metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if isinstance(item, getattr(annotated_types, attr.capitalize())):
                out.append(f"{sign} {_number(getattr(item, attr))}")
    lengths = {type(i).__name__: i for i in metadata if isinstance(i, annotated_types.BaseMetadata)}
    low, high = lengths.get("MinLen"), lengths.get("MaxLen")
    if low is not None and high is not None and low.min_length == high.max_length:
        out.append(f"exactly {_items(low.min_length)}")
    else:
        if low is not None and low.min_length:
            out.append(f"at least {_items(low.min_length)}")
        if high is not None:
            out.append(f"at most {_items(high.max_length)}")
    return out


def describe_type(annotation: Any) -> str:
    """A short human description of an annotation: ``integer >= 1``, ``one of: a, b``."""
    base, metadata = _strip_annotated(annotation)
    members = _union_members(base)
    if members is not None:
        text = " or ".join(describe_type(m) for m in members)
    elif base is type(None):
        text = "null"
    elif typing.get_origin(base) is Literal:
        text = "one of: " + ", ".join(_scalar(v) for v in typing.get_args(base))
    elif _is_model(base):
        text = "section"
    elif typing.get_origin(base) in (list, tuple, Sequence):
        args = typing.get_args(base)
        text = f"list of {describe_type(args[0]) if args else 'values'}"
    elif typing.get_origin(base) in (dict, Mapping):
        args = typing.get_args(base)
        text = f"mapping of {describe_type(args[1]) if len(args) == 2 else 'values'}"
    else:
        text = {
            bool: "boolean",
            int: "integer",
            float: "number",
            str: "string",
            Any: "any value",
        }.get(base, getattr(base, "__name__", str(base)))
    limits = _constraints(metadata)
    if not limits:
        return text
    if " or " in text or text.startswith("list"):
        return f"{text} ({', '.join(limits)})"
    return f"{text} {' and '.join(limits)}"


_RANGE_ERRORS = ("greater_than", "less_than", "too_short", "too_long", "multiple_of")


def format_validation_error(name: str, schema: type[BaseModel], error: ValidationError) -> str:
    """One line for the first problem in ``error`` (and how many more there are)."""
    errors = error.errors(include_url=False)
    first = errors[0]
    where = _locate(schema, first["loc"])
    key = f"{name}.{where.path}" if where.path else name
    value = first.get("input")
    kind = first["type"]
    ctx = first.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(where.parent.model_fields) if where.parent is not None else "?"
        problem = f"unknown key (allowed: {allowed}); fix the name or remove it"
    elif kind == "unknown_key":
        key = f"{key}.{ctx['key']}"
        problem = f"unknown key (allowed: {ctx['allowed']}); fix the name or remove it"
    elif kind == "missing":
        problem = f"missing (expected {describe_type(where.annotation)}); add it"
    elif kind == "literal_error":
        problem = f"{_scalar(value)} is not allowed (allowed: {ctx['expected']})"
    elif kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error") or first["msg"])
        shown = "" if isinstance(value, dict | list) else f" {_scalar(value)}"
        problem = f"invalid value{shown}: {message}"
    elif kind.startswith(_RANGE_ERRORS):
        problem = f"{_scalar(value)} is out of range (allowed: {describe_type(where.annotation)})"
    elif kind.endswith(("_type", "_parsing")) or kind == "int_from_float":
        expected = describe_type(where.annotation)
        got = "null" if value is None else f"{_scalar(value)} ({type(value).__name__})"
        problem = f"wrong type: expected {expected}, got {got}; fix the value"
    else:
        expected = describe_type(where.annotation)
        problem = f"invalid value {_scalar(value)}: {first['msg']} (allowed: {expected})"
    locations = {_locate(schema, e["loc"]).path for e in errors}
    more = len(locations) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''} in this file)" if more else ""
    return f"parameters_{name}.yml: {key}: {problem}{suffix}"


# -- the configuration reference -----------------------------------------------------------


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(section)"
    text = _scalar(value)
    if len(text) > 40 and isinstance(value, dict | list):
        return f"{len(value)} entries (see conf/base)"
    return f"`{text}`" if text else '`""`'


def _plain(text: str | None) -> str:
    """A docstring / description on one line, reST double backticks as Markdown code."""
    return " ".join((text or "").split()).replace("``", "`")


def _rows(schema: type[BaseModel], prefix: str) -> Iterable[tuple[str, str, str, str]]:
    for field_name, field in schema.model_fields.items():
        key = f"{prefix}.{field_name}"
        annotation = _field_annotation(field)
        yield key, describe_type(annotation), _default(field), _plain(field.description)
        yield from _nested_rows(annotation, key)


def _nested_rows(annotation: Any, key: str) -> Iterable[tuple[str, str, str, str]]:
    base, _ = _strip_annotated(annotation)
    members = _union_members(base)
    if members is not None:
        for member in members:
            yield from _nested_rows(member, key)
    elif _is_model(base):
        yield from _rows(base, key)
    elif typing.get_origin(base) in (list, tuple, Sequence) and typing.get_args(base):
        yield from _nested_rows(typing.get_args(base)[0], f"{key}[]")
    elif typing.get_origin(base) in (dict, Mapping) and len(typing.get_args(base)) == 2:
        yield from _nested_rows(typing.get_args(base)[1], f"{key}.<name>")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


MARKDOWN_HEADER = """\
# Configuration reference

<!-- Generated from the parameter schemas by `python -m mlops_pipeline.params --markdown >
docs/configuration.md`; do not edit by hand (a test checks it is up to date). -->

Every pipeline reads one section, `conf/base/parameters_<pipeline>.yml` with the single
top-level key `<pipeline>:`; knobs shared by several pipelines live under `common:` in
`conf/base/parameters_common.yml`. Each section has a schema
(`src/mlops_pipeline/pipelines/<pipeline>/schema.py`, `common`: `src/mlops_pipeline/params.py`)
that every `kedro run` checks before any node starts: an unknown key, a wrong type or a value out
of range stops the run with one line naming the file, the key path and the allowed values, e.g.

    Error: parameters_ingest.yml: ingest.val_shar: unknown key (allowed: val_share, sample); fix the name or remove it

`--params` overrides and `conf/<env>/` files are checked the same way (a `conf/<env>/` file
replaces a whole top-level section, so it must be valid on its own). Kedro merges `--params`
into the section before the check.

**Errors.** Mistakes a user can fix (bad parameters, bad input data, an unknown pipeline name,
a device that is not there) end the run with a short `Error: <what and how to fix it>` as the
last line and exit status 1, without a traceback. The full traceback goes to the log file
`kedro.log` (rotating, in the directory `kedro` runs from; `conf/logging.yml`), or to the
terminal with `MLOPS_TRACEBACK=1 kedro run ...`.

"Default" is the value used when a key is left out ("required": the key must be there).
`<name>` stands for any key of a mapping; `[]` for every item of a list.
"""


def markdown() -> str:
    """The configuration reference (``docs/configuration.md``) generated from the schemas."""
    parts = [MARKDOWN_HEADER]
    for name in schema_names():
        schema = schema_for(name)
        assert schema is not None
        doc = _plain(schema.__doc__)
        parts.append(f"## `{name}` — `conf/base/parameters_{name}.yml`\n\n{doc}\n")
        parts.append("| Key | Type | Default | Description |\n|---|---|---|---|")
        for key, kind, default, description in _rows(schema, name):
            parts.append(f"| `{key}` | {_cell(kind)} | {_cell(default)} | {_cell(description)} |")
        parts.append("")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mlops_pipeline.params", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the configuration reference (Markdown)"
    )
    args = parser.parse_args(argv)
    if not args.markdown:
        parser.print_help()
        return 2
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
