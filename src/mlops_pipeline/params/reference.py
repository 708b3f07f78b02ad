"""The configuration reference (``docs/configuration.md``), generated from the schemas."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .messages import (
    describe_type,
    field_annotation,
    is_model,
    scalar,
    strip_annotated,
    union_members,
)
from .schemas import schema_for, schema_names


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(section)"
    text = scalar(value)
    if len(text) > 40 and isinstance(value, dict | list):
        return f"{len(value)} entries (see conf/base)"
    return f"`{text}`" if text else '`""`'


def _plain(text: str | None) -> str:
    """A docstring / description on one line, reST double backticks as Markdown code."""
    return " ".join((text or "").split()).replace("``", "`")


def _rows(schema: type[BaseModel], prefix: str) -> Iterable[tuple[str, str, str, str]]:
    for field_name, field in schema.model_fields.items():
        key = f"{prefix}.{field_name}"
        annotation = field_annotation(field)
        yield key, describe_type(annotation), _default(field), _plain(field.description)
        yield from _nested_rows(annotation, key)


def _nested_rows(annotation: Any, key: str) -> Iterable[tuple[str, str, str, str]]:
    base, _ = strip_annotated(annotation)
    members = union_members(base)
    if members is not None:
        for member in members:
            yield from _nested_rows(member, key)
    elif is_model(base):
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
(`src/mlops_pipeline/pipelines/<pipeline>/schema.py`, `common`: `src/mlops_pipeline/params/schemas.py`)
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
