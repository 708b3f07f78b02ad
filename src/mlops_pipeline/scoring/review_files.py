"""Reading and writing review files (CSV, Parquet, JSON Lines), by suffix.

:func:`read_reviews` is strict: a CSV line with more fields than the header (an unquoted comma)
fails the whole file naming the line, and so does a JSON Lines line that is not a JSON object;
ids keep their type (a JSON ``null`` id is missing, not the string ``"None"``). Writes are
atomic (:func:`mlops_pipeline.atomic_io.atomic_file`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.json_lines import json_objects

SUFFIXES = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def _format(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UserInputError(
            f"{path}: unknown file type {path.suffix or '(none)'}; use one of "
            f"{sorted(SUFFIXES)} (CSV, parquet or JSON Lines with columns id, text[, label])"
        )
    return fmt


def _csv_frame(text: str, path: Path) -> pd.DataFrame:
    """Every field as written (``str``; an empty field is missing). A line with more fields
    than the header fails the file naming it: the extra field is an unquoted separator, and
    guessing which comma it was would score a cut text under a wrong id."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not fields:  # a blank line
                continue
            if header is None:
                header = fields
                twice = sorted({c for c in header if header.count(c) > 1})
                if twice:
                    raise UserInputError(
                        f"{path}: column {twice[0]!r} appears twice in the header (line "
                        f"{line}); give every column one name"
                    )
                continue
            if len(fields) > len(header):
                raise UserInputError(
                    f"{path}: line {line} has {len(fields)} fields, the header has "
                    f"{len(header)} ({','.join(header)}); quote fields that contain a comma "
                    f'("Great film, loved it") or fix line {line}'
                )
            padded = fields + [""] * (len(header) - len(fields))
            rows.append([value if value != "" else None for value in padded])
    except csv.Error as exc:  # e.g. a quote never closed, text after a closing quote
        raise UserInputError(
            f"{path}: the record starting on line {start} is not valid CSV ({exc}); fix the "
            f'quoting of line {start} (a quoted field is "...", a quote inside it "")'
        ) from exc
    return pd.DataFrame(rows, columns=header or [], dtype=object)


def _jsonl_frame(text: str, path: Path) -> pd.DataFrame:
    """One JSON object per line, values kept as JSON typed them (blank lines skipped)."""
    rows = json_objects(
        text,
        path,
        lambda n: (
            f'repair or remove line {n} (JSON Lines: one object per line: {{"id": ..., '
            '"text": ...}})'
        ),
    )
    return pd.DataFrame(rows, dtype=object)


def read_reviews(path: str | Path) -> pd.DataFrame:
    """Read a batch of reviews by suffix: CSV, parquet or JSON Lines (``.jsonl``/``.ndjson``/
    ``.json``, one object per line).

    CSV fields are read as text (an empty field is missing), JSON Lines values keep their JSON
    type (so :func:`validate_reviews` can reject a ``null`` or ``1.5`` id). Undecodable bytes
    in CSV/JSON Lines become U+FFFD, so the row is rejected as ``undecodable`` instead of
    failing the whole file. A CSV line with more fields than the header, a JSON line that is
    not an object and a missing file are a :class:`UserInputError` naming the file and line.
    ``frame.attrs`` holds ``source`` (the path) and ``sha256`` (of the file's bytes)."""
    path = Path(path)
    fmt = _format(path)
    if not path.is_file():
        raise UserInputError(
            f"{path}: no such file; point the batch at a file with "
            "--params score.input=<path.csv|.parquet|.jsonl>"
        )
    data = path.read_bytes()
    try:
        if fmt == "parquet":
            frame = pd.read_parquet(io.BytesIO(data))
        else:
            text = data.decode("utf-8-sig", errors="replace")
            frame = _csv_frame(text, path) if fmt == "csv" else _jsonl_frame(text, path)
    except (ValueError, OSError) as exc:
        reason = " ".join(str(exc).split())
        raise UserInputError(f"{path}: cannot read as {fmt} ({reason})") from exc
    frame.attrs["source"] = str(path)
    frame.attrs["sha256"] = hashlib.sha256(data).hexdigest()
    return frame


def write_reviews(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` by suffix (the inverse of :func:`read_reviews`), atomically."""
    path = Path(path)
    fmt = _format(path)
    with atomic_file(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
