"""The one-line message of a parameters error: the file, the key path, what is wrong, the fix
(and the readable type descriptions the configuration reference shares)."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo


def strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[T, m1, m2]`` -> ``(T, [m1, m2])`` (nested ``Field`` metadata flattened)."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        for item in args[1:]:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, metadata


def union_members(annotation: Any) -> list[Any] | None:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return list(typing.get_args(annotation))
    return None


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def field_annotation(field: FieldInfo) -> Any:
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
        base, _ = strip_annotated(annotation)
        members = union_members(base)
        if members is not None:
            non_null = [m for m in members if m is not type(None)]
            named = [
                m
                for m in non_null
                if is_model(strip_annotated(m)[0]) and strip_annotated(m)[0].__name__ == step
            ]
            if named:  # the model member of a union, named by its class in the location
                annotation = named[0]
                continue
            if len(non_null) == 1:
                base, _ = strip_annotated(non_null[0])
            else:  # a tag such as "constrained-int": the error is about the union as a whole
                continue
        if is_model(base):
            parent = base
            path = f"{path}.{step}" if path else str(step)
            field = base.model_fields.get(str(step))
            annotation = field_annotation(field) if field is not None else None
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


def scalar(value: Any) -> str:
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
    return scalar(value)


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
    base, metadata = strip_annotated(annotation)
    members = union_members(base)
    if members is not None:
        text = " or ".join(describe_type(m) for m in members)
    elif base is type(None):
        text = "null"
    elif typing.get_origin(base) is Literal:
        text = "one of: " + ", ".join(scalar(v) for v in typing.get_args(base))
    elif is_model(base):
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
        problem = f"{scalar(value)} is not allowed (allowed: {ctx['expected']})"
    elif kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error") or first["msg"])
        shown = "" if isinstance(value, dict | list) else f" {scalar(value)}"
        problem = f"invalid value{shown}: {message}"
    elif kind.startswith(_RANGE_ERRORS):
        problem = f"{scalar(value)} is out of range (allowed: {describe_type(where.annotation)})"
    elif kind.endswith(("_type", "_parsing")) or kind == "int_from_float":
        expected = describe_type(where.annotation)
        got = "null" if value is None else f"{scalar(value)} ({type(value).__name__})"
        problem = f"wrong type: expected {expected}, got {got}; fix the value"
    else:
        expected = describe_type(where.annotation)
        problem = f"invalid value {scalar(value)}: {first['msg']} (allowed: {expected})"
    locations = {_locate(schema, e["loc"]).path for e in errors}
    more = len(locations) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''} in this file)" if more else ""
    return f"parameters_{name}.yml: {key}: {problem}{suffix}"


# -- the configuration reference -----------------------------------------------------------
