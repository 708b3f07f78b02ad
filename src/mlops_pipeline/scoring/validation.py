"""Validate a batch of new reviews: what can be scored, what is rejected and why.

Nothing is silently dropped: every input row ends up either in the accepted frame or in the
rejects frame (input columns + ``reason``), so ``len(accepted) + len(rejects) == len(frame)``.
Reasons, checked in this order (the first that applies wins):

``missing_id`` (null, absent or blank), ``invalid_id`` (an id that is not a non-empty string or
an integer: JSON objects, lists, booleans, floats such as ``1.5`` or ``3.0``, NUL bytes),
``duplicate_id`` (the first occurrence is kept), ``missing_text``, ``not_a_string``,
``undecodable`` (bytes that are not UTF-8, or text holding U+FFFD, which the readers put where a
file had undecodable bytes, or lone surrogates), ``nul_byte`` (a NUL character: C readers and
tokenizers cut the text there), ``empty_text`` (nothing left after the project's light
cleaning: whitespace, HTML tags such as ``<br /><br />``, URLs), ``no_words`` (no letter of any
script after cleaning: ``12345``, ``10/10 !!!``), ``too_long`` (over ``max_chars`` characters),
``invalid_label`` (a label other than 0/1), ``missing_label`` (only with ``require_label``).

:func:`~.review_files.read_reviews` (reading the files) is strict too.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.errors import UserInputError

logger = logging.getLogger(__name__)

#: Columns a batch must have (``label`` is optional); ``review_id`` is accepted for ``id``.
EXPECTED_COLUMNS = ("id", "text")
ID_ALIASES = ("id", "review_id")
REJECT_REASONS = (
    "missing_id",
    "invalid_id",
    "duplicate_id",
    "missing_text",
    "not_a_string",
    "undecodable",
    "nul_byte",
    "empty_text",
    "no_words",
    "too_long",
    "invalid_label",
    "missing_label",
)


def _id_column(frame: pd.DataFrame, source: str) -> str:
    found = [str(c) for c in frame.columns]
    id_col = next((c for c in ID_ALIASES if c in frame.columns), None)
    if id_col is None or "text" not in frame.columns:
        missing = [c for c in EXPECTED_COLUMNS if c not in frame.columns and c != "id"]
        if id_col is None:
            missing.insert(0, "id")
        raise UserInputError(
            f"{source}: missing column(s) {missing}; found columns {found}, expected "
            f"{list(EXPECTED_COLUMNS)} (+ optional 'label'; 'review_id' is accepted for 'id')"
        )
    return id_col


# a letter of any script: not a digit, not an underscore, not punctuation or a symbol
_LETTER = re.compile(r"[^\W\d_]")


def _id_text(value: object) -> str | None:
    """The id as text, ``""`` when missing, ``None`` when it is not a valid id: non-empty
    strings and integers only (booleans, floats, containers and NUL bytes are invalid)."""
    value = _decode(value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, str):
        return None if "\x00" in value else value.strip() and value
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return str(int(value))
    return None


def _as_text(value: object) -> str | None:
    """A rejected input value as text (JSON for numbers, objects and lists; bytes decoded with
    escapes), ``None`` when missing: a rejects column holds one type whatever the input had."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="backslashreplace")
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:  # numpy scalars and other objects
        return str(value)


def _cleaner() -> Any:
    """The project's light cleaning (HTML tags, entities, URLs, whitespace)."""
    # why local: mlops_pipeline.text loads spaCy (4 s); reading a batch never needs it
    from mlops_pipeline.text.cleaning import TextCleaner

    return TextCleaner()


def _decode(value: object) -> object:
    """Bytes become str when they are valid UTF-8; anything else is returned unchanged."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return value
    return value


def _is_undecodable(value: object) -> bool:
    if isinstance(value, (bytes, bytearray)):
        return True
    if "\ufffd" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return True
    return False


def _is_missing(value: object) -> bool:
    """A missing cell as ``pd.isna`` sees one (None, NaN, NA, NaT); containers are not."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    return False


def check_reviews(
    ids: Sequence[object], texts: Sequence[object], *, max_chars: int
) -> tuple[list[str], list[str], list[object]]:
    """The review rules of this module, row by row, in plain Python (no DataFrame): the one
    implementation behind :func:`validate_reviews` (``score``, the retrain intake) and the
    online service (``mlops_pipeline.serve``), which calls it per request.

    Returns ``(reasons, id_texts, texts)``: per row the reject reason (``""`` when the row is
    accepted; labels are :func:`validate_reviews`' business), the id as text (``""`` when it
    is missing or invalid) and the text (bytes decoded when they are UTF-8)."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")
    cleaner = None
    seen: set[str] = set()
    reasons: list[str] = []
    id_texts: list[str] = []
    decoded: list[object] = []
    for raw_id, raw_text in zip(ids, texts, strict=True):
        reason = ""
        id_text = _id_text(raw_id)
        if id_text is None:
            reason, id_text = "invalid_id", ""
        elif id_text == "":
            reason = "missing_id"
        elif id_text in seen:
            reason = "duplicate_id"
        else:
            seen.add(id_text)
        text = _decode(raw_text)
        is_str = isinstance(text, str)
        if reason:
            pass
        elif _is_missing(text):
            reason = "missing_text"
        elif not is_str and not isinstance(text, (bytes, bytearray)):
            reason = "not_a_string"
        elif _is_undecodable(text):
            reason = "undecodable"
        elif "\x00" in text:
            reason = "nul_byte"
        else:
            if cleaner is None:
                cleaner = _cleaner()
            cleaned = cleaner.light(text)
            if cleaned == "":
                reason = "empty_text"
            elif not _LETTER.search(cleaned):
                reason = "no_words"
            elif len(text) > max_chars:
                reason = "too_long"
        reasons.append(reason)
        id_texts.append(id_text)
        decoded.append(text)
    return reasons, id_texts, decoded


def validate_reviews(
    frame: pd.DataFrame,
    *,
    max_chars: int,
    require_label: bool = False,
    source: str = "batch",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into ``(accepted, rejects)``.

    ``accepted`` has columns ``id`` (str), ``text`` (str) and ``label`` (Int8, when the input
    has a label column or ``require_label``), in input order; ``rejects`` holds the rejected
    input rows with their original columns plus ``reason`` (and ``row``, the 0-based input
    position), in input order; values of text-like (object) columns as text (a JSON ``null``
    id stays missing, ``{"a": 1}`` becomes the text ``{"a": 1}``) so the table can be saved. Raises :class:`UserInputError` naming the columns found and
    expected when there is no id or text column; ``source`` names the input in messages.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")
    id_col = _id_column(frame, source)
    n = len(frame)

    def mark(mask: np.ndarray, why: str) -> None:
        reason[(reason == "") & mask] = why

    reasons, id_texts, decoded = check_reviews(
        frame[id_col].to_numpy(dtype=object), frame["text"].to_numpy(dtype=object),
        max_chars=max_chars,
    )  # fmt: skip
    reason = np.array(reasons, dtype=object)
    id_str = np.array(id_texts, dtype=object)
    texts = np.empty(n, dtype=object)  # filled one by one: a list value stays one cell
    for i, text in enumerate(decoded):
        texts[i] = text

    has_label = "label" in frame.columns
    labels = None
    if has_label:
        raw = pd.to_numeric(frame["label"], errors="coerce")
        label_missing = frame["label"].isna().to_numpy()
        bad = ~label_missing & ~raw.isin([0, 1]).to_numpy()
        mark(bad, "invalid_label")
        labels = raw
        if require_label:
            mark(label_missing, "missing_label")
    elif require_label:
        mark(np.ones(n, dtype=bool), "missing_label")

    ok = reason == ""
    accepted = pd.DataFrame(
        {"id": pd.Series(id_str[ok], dtype=object), "text": pd.Series(texts[ok], dtype=object)}
    )
    if has_label or require_label:
        values = labels[ok].to_numpy() if labels is not None else np.full(ok.sum(), np.nan)
        accepted["label"] = pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int8")
    rejects = frame.loc[~ok].copy()
    for column in rejects.columns:  # one type per column, or parquet refuses it
        if pd.api.types.is_object_dtype(rejects[column]):
            rejects[column] = rejects[column].map(_as_text)
    rejects.insert(0, "row", np.flatnonzero(~ok))
    rejects["reason"] = reason[~ok].astype(str)
    rejects = rejects.reset_index(drop=True)
    if len(rejects):
        counts = rejects["reason"].value_counts().sort_index().to_dict()
        logger.info("%s: %d of %d rows rejected %s", source, len(rejects), n, counts)
    return accepted.reset_index(drop=True), rejects
