"""JSON Lines read strictly: one object per line, a bad line a one-line error naming it.

Shared by the review-file reader (``scoring``) and the retrain decision log (``registry``):
each passes the fix its users need; the detection is written once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError


def json_objects(text: str, path: Path, fix: Callable[[int], str]) -> list[dict[str, Any]]:
    """The object on each non-blank line of ``text`` (read from ``path``), in order.

    A line that is not valid JSON, or not an object, raises :class:`UserInputError` naming
    ``path``, the line number and ``fix(line_number)``.
    """
    objects: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserInputError(
                f"{path}: line {number} is not valid JSON ({exc.msg} at column {exc.colno}); "
                f"{fix(number)}"
            ) from exc
        if not isinstance(value, dict):
            raise UserInputError(
                f"{path}: line {number} is not a JSON object but {type(value).__name__}; "
                f"{fix(number)}"
            )
        objects.append(value)
    return objects
