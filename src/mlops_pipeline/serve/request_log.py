"""The served request log: accepted reviews in batches, under ``data/``, for the drift gate.

Rows (``id, text, probability, label, model_id, model_version, registry_version,
received_at``; ``text`` is ``null`` when text logging is off) wait in memory and are written
as one new JSON Lines file ``<dir>/<UTC date>/<time>-<pid>-<seq>.jsonl`` (atomically:
:func:`mlops_pipeline.atomic_io.atomic_file`, never appended to, so a reader never sees half a
file) when ``batch_rows`` rows wait, ``flush_seconds`` after the first one, and at shutdown.
Each file is a batch :func:`mlops_pipeline.scoring.read_reviews` reads (``id, text`` columns):
``python -m mlops_pipeline.registry gate --served <dir>`` judges them with the one drift
implementation.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mlops_pipeline.atomic_io import atomic_file

from .metrics import ServeMetrics

logger = logging.getLogger(__name__)


class RequestLog:
    """Buffer rows; write them as atomic JSON Lines batch files."""

    def __init__(
        self,
        folder: Path,
        *,
        text: bool,
        batch_rows: int,
        flush_seconds: float,
        metrics: ServeMetrics,
    ) -> None:
        self.folder = Path(folder)
        self.text = text
        self.batch_rows = batch_rows
        self.flush_seconds = flush_seconds
        self.metrics = metrics
        self._rows: list[dict[str, Any]] = []
        self._first: float | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._seq = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._timer, name="request-log", daemon=True)
        self._thread.start()

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Queue one request's accepted rows (written later, in a batch)."""
        if not rows:
            return
        if not self.text:
            rows = [{**row, "text": None} for row in rows]
        with self._lock:
            if self._first is None:
                self._first = time.monotonic()
            self._rows.extend(rows)
            full = len(self._rows) >= self.batch_rows
        if full:
            self.flush()

    def flush(self) -> Path | None:
        """Write what waits as one new file; its path (``None`` when nothing waited)."""
        with self._write_lock:
            with self._lock:
                rows, self._rows, self._first = self._rows, [], None
            if not rows:
                return None
            now = datetime.now(timezone.utc)
            self._seq += 1
            stamp = now.strftime("%H%M%S") + f".{now.microsecond // 1000:03d}"
            path = (
                self.folder
                / now.strftime("%Y-%m-%d")
                / f"{stamp}-{os.getpid()}-{self._seq:05d}.jsonl"
            )
            # ASCII JSON: a raw U+2028, U+0085 ... inside a text would be a line break to
            # readers that split on every Unicode line boundary (str.splitlines)
            lines = "".join(json.dumps(r, ensure_ascii=True) + "\n" for r in rows)
            try:
                with atomic_file(path) as tmp:
                    tmp.write_text(lines, encoding="utf-8")
            except OSError as exc:
                logger.error("request log: %d rows not written to %s (%s)", len(rows), path, exc)
                return None
            self.metrics.log_rows.inc(len(rows))
            self.metrics.log_files.inc()
            logger.info("request log: %d rows -> %s", len(rows), path)
            return path

    def _timer(self) -> None:
        while not self._stop.wait(min(1.0, self.flush_seconds)):
            with self._lock:
                due = self._first is not None and (
                    time.monotonic() - self._first >= self.flush_seconds
                )
            if due:
                self.flush()

    def close(self) -> None:
        self._stop.set()
        self.flush()
