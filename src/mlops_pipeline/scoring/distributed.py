"""Champion probabilities on a Dask cluster (``score.dask_scheduler``; docs/scoring.md).

The same :meth:`~mlops_pipeline.models.base.TextModel.predict_proba` as the local path, run
on chunks by ``dask.distributed`` workers. Workers need no shared filesystem and no pickled
model: the model folder's files (safe formats) are sent once to every worker as bytes
(``scatter(broadcast=True)``); each worker writes them to a folder of its own and loads them
through the allow-listed :func:`~mlops_pipeline.models.discovery.load_model`, once per model
version (cached in the worker process). Chunks come back in input order, so the probabilities
equal :func:`~mlops_pipeline.scoring.predict.predict_positive`'s.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from distributed import Client

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import TextModel
from mlops_pipeline.models.discovery import file_manifest, load_model, manifest_digest

logger = logging.getLogger(__name__)

#: Per worker process: model version -> (model, lock). One prediction at a time per model
#: (a tokenizer cache is not made for threads): run workers with ``--nthreads 1``.
_MODELS: dict[str, tuple[TextModel, threading.Lock]] = {}
_LOADING = threading.Lock()


def folder_files(folder: str | Path) -> dict[str, bytes]:
    """Every file of the model folder: relative POSIX path -> bytes."""
    root = Path(folder)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _worker_model(key: str, files: dict[str, bytes]) -> tuple[TextModel, threading.Lock]:
    with _LOADING:
        if key not in _MODELS:
            folder = Path(tempfile.mkdtemp(prefix=f"mlops-model-{key[:12]}-"))
            for name, data in files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            _MODELS[key] = (load_model(folder), threading.Lock())
        return _MODELS[key]


def score_chunk(key: str, files: dict[str, bytes], texts: list[str]) -> np.ndarray:
    """Positive-class probabilities of one chunk, on a worker."""
    model, lock = _worker_model(key, files)
    with lock:
        return np.asarray(model.predict_proba(texts)[:, 1], dtype=np.float64)


def connect(address: str, timeout: str = "20s") -> Client:
    """A client of the scheduler at ``address``, or one line naming the parameter to fix."""
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserInputError(
            f"score.dask_scheduler={address!r}: no Dask scheduler answers ({exc}); start one "
            "(dask scheduler; dask worker ADDRESS --nthreads 1) or set score.dask_scheduler: "
            "null in conf/base/parameters_score.yml to score locally"
        ) from None


def predict_positive_dask(
    folder: str | Path, texts: Sequence[str], *, address: str, chunk_size: int = 1000
) -> np.ndarray:
    """Positive-class probability of each text, in order, scored by the cluster at
    ``address`` with the model in ``folder``."""
    texts = list(texts)
    if not texts:
        return np.empty(0, dtype=np.float64)
    chunk = max(1, int(chunk_size))
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    key = manifest_digest(file_manifest(folder))
    with connect(address) as client:
        [files] = client.scatter([folder_files(folder)], broadcast=True, hash=False)
        futures = [
            client.submit(score_chunk, key, files, part, pure=False, priority=-i)
            for i, part in enumerate(chunks)
        ]
        parts = client.gather(futures)
        workers = len(client.scheduler_info().get("workers", {}))
    logger.info(
        "score: %d chunks on the Dask cluster %s (%d workers)", len(chunks), address, workers
    )
    return np.concatenate(parts)
