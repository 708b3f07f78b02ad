"""JSON Lines read strictly: the bad line is named with the caller's fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.json_lines import json_objects


def test_objects_in_order_blank_lines_skipped():
    assert json_objects('{"a": 1}\n\n{"b": 2}\n', Path("x.jsonl"), str) == [{"a": 1}, {"b": 2}]


@pytest.mark.parametrize(
    ("text", "match"),
    [('{"a": 1}\n{"b": ', "line 2 is not valid JSON"), ("[1, 2]\n", "line 1 is not a JSON object")],
)
def test_a_bad_line_is_named_with_the_fix(text, match):
    with pytest.raises(UserInputError, match=rf"x.jsonl: {match}.*fix line \d"):
        json_objects(text, Path("x.jsonl"), lambda n: f"fix line {n}")
