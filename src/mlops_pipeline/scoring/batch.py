"""One batch end to end, outside Kedro too: validate, predict with the champion, tables out."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.discovery import ModelHandle

from .distributed import predict_positive_dask
from .predict import predict_positive

logger = logging.getLogger(__name__)

PREDICTION_COLUMNS = ("id", "probability", "label", "model_id", "model_version", "scored_at")


def batch_name(source: str | Path) -> str:
    """The batch folder name: the input file's name without suffix, reduced to
    ``[A-Za-z0-9._-]`` (``new reviews (May).csv`` -> ``new_reviews_May_``)."""
    stem = Path(str(source)).stem
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).lstrip("._-")
    return name or "batch"


def run_name(source: str | Path, sha256: str, at: datetime) -> str:
    """The folder of one ``score`` run: ``<batch>-<first 8 hex of the file's SHA-256>-<UTC
    time to the millisecond>`` (``dup-1a2b3c4d-20261124T101500.123Z``). Two files of the same
    name (other folders, other content) or two runs of one file never share a folder, and
    the names sort by time within a batch."""
    at = at.astimezone(timezone.utc)
    stamp = at.strftime("%Y%m%dT%H%M%S") + f".{at.microsecond // 1000:03d}Z"
    return f"{batch_name(source)}-{sha256[:8]}-{stamp}"


def model_version(handle: ModelHandle) -> str:
    """First 12 hex digits of the digest of the manifest of every file of the model folder
    (:meth:`ModelHandle.version`: weights included, not only ``model_card.json``); a
    registered version's ``model_version`` tag is the same string."""
    return handle.version()


def check_rejects(n_rows: int, reasons: Mapping[str, int], max_share: float, source: str) -> None:
    """Raise :class:`UserInputError` when the share of rejected rows (``reasons``: count per
    reject reason) exceeds ``max_share``, or when the batch has no row at all."""
    rejected = int(sum(reasons.values()))
    share = rejected / n_rows if n_rows else 1.0
    if n_rows == 0 or share > max_share:
        raise UserInputError(
            f"{source}: {rejected} of {n_rows} rows rejected ({share:.1%} > "
            f"score.max_reject_share {max_share:.1%}; reasons {dict(reasons)}); fix the rows "
            "listed in the rejects file or raise score.max_reject_share"
        )


def predictions_table(
    accepted: pd.DataFrame,
    proba: np.ndarray,
    *,
    model_id: str,
    version: str,
    scored_at: str | None = None,
    threshold: float = 0.5,
) -> pd.DataFrame:
    """``id, probability, label, model_id, model_version, scored_at`` in input order."""
    scored_at = scored_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    return pd.DataFrame(
        {
            "id": accepted["id"].astype(str).to_numpy(),
            "probability": np.asarray(proba, dtype=np.float64),
            "label": (np.asarray(proba) >= threshold).astype(np.int8),
            "model_id": model_id,
            "model_version": version,
            "scored_at": scored_at,
        }
    )


def score_accepted(
    accepted: pd.DataFrame,
    handle: ModelHandle,
    *,
    n_process: int = 1,
    chunk_size: int = 1000,
    model: Any = None,
    show_progress: bool = False,
    scored_at: str | None = None,
    dask_scheduler: str | None = None,
) -> pd.DataFrame:
    """Predictions for validated rows with the model in ``handle`` (loaded unless given);
    ``scored_at`` (ISO time) defaults to now. With ``dask_scheduler`` (an address) the Dask
    cluster there predicts (:mod:`.distributed`; same probabilities)."""
    texts = accepted["text"].tolist()
    if dask_scheduler:
        proba = predict_positive_dask(
            handle.folder, texts, address=dask_scheduler, chunk_size=chunk_size
        )
    else:
        proba = predict_positive(
            model or handle.load(),
            texts,
            n_process=n_process,
            chunk_size=chunk_size,
            folder=handle.folder,
            show_progress=show_progress,
        )
    table = predictions_table(
        accepted,
        proba,
        model_id=handle.model_id,
        version=model_version(handle),
        scored_at=scored_at,
    )
    logger.info("score: %d reviews scored with %s", len(table), handle.model_id)
    return table
