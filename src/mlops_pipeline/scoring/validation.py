"""Validate a batch of new reviews: what can be scored, what is rejected and why.

Nothing is silently dropped: every input row ends up either in the accepted frame or in the
rejects frame (input columns + ``reason``), so ``len(accepted) + len(rejects) == len(frame)``.
Reasons, checked in this order (the first that applies wins):

``missing_id``, ``duplicate_id`` (the first occurrence is kept), ``missing_text``,
``not_a_string``, ``undecodable`` (bytes that are not UTF-8, or text holding U+FFFD, which
the readers put where a file had undecodable bytes, or lone surrogates), ``empty_text``
(whitespace only), ``too_long`` (over ``max_chars`` characters), ``invalid_label`` (a label
other than 0/1), ``missing_label`` (only with ``require_label``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.errors import UserInputError

logger = logging.getLogger(__name__)

#: Columns a batch must have (``label`` is optional); ``review_id`` is accepted for ``id``.
EXPECTED_COLUMNS = ("id", "text")
ID_ALIASES = ("id", "review_id")
REJECT_REASONS = (
    "missing_id",
    "duplicate_id",
    "missing_text",
    "not_a_string",
    "undecodable",
    "empty_text",
    "too_long",
    "invalid_label",
    "missing_label",
)
SUFFIXES = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


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
    position), in input order. Raises :class:`UserInputError` naming the columns found and
    expected when there is no id or text column; ``source`` names the input in messages.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")
    id_col = _id_column(frame, source)
    n = len(frame)
    reason = np.full(n, "", dtype=object)

    def mark(mask: np.ndarray, why: str) -> None:
        reason[(reason == "") & mask] = why

    ids = frame[id_col]
    id_missing = ids.isna().to_numpy() | (ids.astype(str).str.strip() == "").to_numpy()
    mark(id_missing, "missing_id")
    id_str = ids.astype(str).to_numpy(dtype=object)
    duplicated = pd.Series(id_str).where(~id_missing).duplicated(keep="first").to_numpy()
    mark(duplicated & ~id_missing, "duplicate_id")

    texts = frame["text"].map(_decode).to_numpy(dtype=object)
    text_missing = pd.isna(pd.Series(texts, dtype=object)).to_numpy()
    mark(text_missing, "missing_text")
    is_str = np.fromiter((isinstance(t, str) for t in texts), dtype=bool, count=n)
    is_bytes = np.fromiter((isinstance(t, (bytes, bytearray)) for t in texts), bool, count=n)
    mark(~text_missing & ~is_str & ~is_bytes, "not_a_string")
    undecodable = np.zeros(n, dtype=bool)
    check = is_str | is_bytes
    undecodable[check] = [_is_undecodable(t) for t in texts[check]]
    mark(undecodable, "undecodable")
    str_texts = pd.Series(np.where(is_str, texts, ""), dtype=object)
    mark(is_str & (str_texts.str.strip() == "").to_numpy(), "empty_text")
    mark(is_str & (str_texts.str.len() > max_chars).to_numpy(), "too_long")

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
    rejects.insert(0, "row", np.flatnonzero(~ok))
    rejects["reason"] = reason[~ok].astype(str)
    rejects = rejects.reset_index(drop=True)
    if len(rejects):
        counts = rejects["reason"].value_counts().sort_index().to_dict()
        logger.info("%s: %d of %d rows rejected %s", source, len(rejects), n, counts)
    return accepted.reset_index(drop=True), rejects


def _format(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UserInputError(
            f"{path}: unknown file type {path.suffix or '(none)'}; use one of "
            f"{sorted(SUFFIXES)} (CSV, parquet or JSON Lines with columns id, text[, label])"
        )
    return fmt


def read_reviews(path: str | Path) -> pd.DataFrame:
    """Read a batch of reviews by suffix: CSV, parquet or JSON Lines (``.jsonl``/``.ndjson``/
    ``.json``, one object per line). Undecodable bytes in CSV/JSON Lines become U+FFFD, so
    the row is rejected as ``undecodable`` instead of failing the whole file; ``id`` is read
    as text. A missing file is a :class:`UserInputError` naming it."""
    path = Path(path)
    fmt = _format(path)
    if not path.is_file():
        raise UserInputError(
            f"{path}: no such file; point the batch at a file with "
            "--params score.input=<path.csv|.parquet|.jsonl>"
        )
    try:
        if fmt == "csv":
            frame = pd.read_csv(
                path,
                dtype={"id": str, "review_id": str},
                encoding_errors="replace",
                keep_default_na=False,
                na_values=[""],
            )
        elif fmt == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_json(
                path,
                lines=True,
                dtype={"id": str, "review_id": str},
                encoding_errors="replace",
            )
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise UserInputError(f"{path}: cannot read as {fmt} ({exc})") from exc
    frame.attrs["source"] = str(path)
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
