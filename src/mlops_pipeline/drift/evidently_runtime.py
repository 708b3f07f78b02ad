"""Run-time adjustments of Evidently 0.7 that keep drift reports fast and byte-identical.

* :func:`embedding_plot` — Evidently's embedding-drift picture runs an unseeded t-SNE; within
  the block it draws a seeded 2-component PCA of a few rows instead (the score is unchanged).
* :func:`deterministic_ids` — Evidently names widgets and script variables with ``uuid4`` /
  ``uuid7``; within the block both draw from a seeded generator, so the same report is the
  same bytes on every run (DESIGN.md "Determinism and time").
"""

from __future__ import annotations

import contextlib
import functools
import random
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np


class _Projection:
    """2-D seeded PCA with a tiny seeded jitter (Evidently's picture draws a Gaussian KDE per
    side, which fails on identical points, e.g. a batch whose words all lack vectors)."""

    def __init__(self, n_components: int = 2, seed: int = 0) -> None:
        self.n_components, self.seed = n_components, seed

    def fit_transform(self, x: Any) -> np.ndarray:
        from sklearn.decomposition import PCA

        y = PCA(self.n_components, random_state=self.seed).fit_transform(np.asarray(x))
        scale = 1e-3 * (float(np.std(y)) + 1e-3)
        return y + np.random.default_rng(self.seed).normal(scale=scale, size=y.shape)


@contextlib.contextmanager
def embedding_plot(rows: int, seed: int) -> Iterator[None]:
    """Evidently's embedding-drift widget runs an unseeded t-SNE on up to 2,500 rows per side:
    ~90 s of a 5k-vs-5k report on 2 cores, for a picture. Within this block the picture uses
    ``rows`` per side and a seeded 2-component PCA instead (milliseconds, deterministic); the
    drift score itself still uses every sampled row.
    """
    from evidently.legacy.metrics.data_drift import embeddings_drift as module

    saved = module.SAMPLE_CONSTANT, module.TSNE
    module.SAMPLE_CONSTANT = rows
    module.TSNE = functools.partial(_Projection, seed=seed)
    try:
        yield
    finally:
        module.SAMPLE_CONSTANT, module.TSNE = saved


@contextlib.contextmanager
def deterministic_ids(seed: int) -> Iterator[None]:
    """Evidently names every widget and script variable with ``uuid4``/``uuid7`` (random and
    time-based): the same report, different bytes on each run. Within this block both draw from
    a seeded generator, as Evidently's own demo generator does (``evidently.cli.ui``)."""
    import uuid

    import uuid6

    rng = random.Random(seed)
    saved = uuid.uuid4, uuid6.uuid7

    def seeded_uuid4() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def seeded_uuid7() -> uuid6.UUID:
        return uuid6.UUID(int=seeded_uuid4().int)

    # modules that did `from uuid6 import uuid7` hold their own reference (html_widgets)
    holders = [
        m
        for name, m in list(sys.modules.items())
        if name.startswith("evidently") and getattr(m, "uuid7", None) is saved[1]
    ]
    uuid.uuid4, uuid6.uuid7 = seeded_uuid4, seeded_uuid7
    for module in holders:
        module.uuid7 = seeded_uuid7
    try:
        yield
    finally:
        uuid.uuid4, uuid6.uuid7 = saved
        for module in holders:
            module.uuid7 = saved[1]
