"""Champion probabilities for many raw reviews, in parallel chunks.

Scoring reuses the model's own :meth:`~mlops_pipeline.models.base.TextModel.predict_proba`
(its bundled preprocessing and vectorizer: no second preprocessing implementation). Speed
comes from running it on chunks in ``n_process`` worker processes: with the ``fork`` start
method the workers inherit the loaded model and the warmed-up tokenizer (and its per-token
cache), so nothing is reloaded or pickled but the texts and the probabilities.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from mlops_pipeline.models.base import TextModel
from mlops_pipeline.models.discovery import load_model

logger = logging.getLogger(__name__)

_MODEL: TextModel | None = None


def _init_worker(folder: str | None) -> None:
    global _MODEL
    if _MODEL is None:  # spawn/forkserver: the worker loads the model itself
        if folder is None:
            raise RuntimeError("a worker without a forked model needs the model folder")
        _MODEL = load_model(folder)


def _predict_chunk(texts: list[str]) -> np.ndarray:
    assert _MODEL is not None
    return np.asarray(_MODEL.predict_proba(texts)[:, 1], dtype=np.float64)


def predict_positive(
    model: TextModel,
    texts: Sequence[str],
    *,
    n_process: int = 1,
    chunk_size: int = 1000,
    folder: str | Path | None = None,
    show_progress: bool = False,
) -> np.ndarray:
    """Positive-class probability of each text, in order; identical for any ``n_process``
    and ``chunk_size`` (the model scores each review independently).

    ``n_process`` ``-1`` means every core; ``folder`` (the model folder) lets workers load
    the model where the start method is not ``fork``.
    """
    global _MODEL
    texts = list(texts)
    if not texts:
        return np.empty(0, dtype=np.float64)
    n_process = (os.cpu_count() or 1) if n_process == -1 else max(1, int(n_process))
    chunk = max(1, int(chunk_size))
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    n_process = min(n_process, len(chunks))
    parts: list[np.ndarray] = []
    bar = tqdm(total=len(texts), unit="review", desc="score", disable=not show_progress)
    if n_process <= 1:
        for part in chunks:
            parts.append(np.asarray(model.predict_proba(part)[:, 1], dtype=np.float64))
            bar.update(len(part))
    else:
        model.predict_proba(texts[:1])  # load the tokenizer once, before the workers fork
        ctx = multiprocessing.get_context()
        _MODEL = model if ctx.get_start_method() == "fork" else None
        try:
            init_arg = None if folder is None else str(folder)
            with ctx.Pool(n_process, initializer=_init_worker, initargs=(init_arg,)) as pool:
                for part in pool.imap(_predict_chunk, chunks):
                    parts.append(part)
                    bar.update(len(part))
        finally:
            _MODEL = None
    bar.close()
    return np.concatenate(parts)
