"""The two sides of a drift check as Evidently frames: seeded samples of the reviews with the
project's descriptors, document vectors and (given) the champion's probabilities.

:class:`TextTools` and :class:`ChampionScores` group what :func:`~.report.run_drift` takes
besides the two frames; :func:`build_sides` is the first of its two steps (the second,
Evidently's run and the summary, is :mod:`.build` and :mod:`.summary`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .descriptors import DESCRIPTORS, compute_descriptors


@dataclass(frozen=True)
class TextTools:
    """How the reviews are read: ``vocabulary`` (the training words: ``oov_share``),
    ``embedder`` (the document embedder: ``embeddings``), ``preprocessor`` (tokens for frames
    without a ``tokens`` column, sampled rows only) and its ``n_process`` workers."""

    vocabulary: Sequence[str] | pd.Index | None = None
    embedder: Any = None
    preprocessor: Any = None
    n_process: int = 1

    def descriptor_names(self) -> list[str]:
        """The descriptors compared (``oov_share`` needs a vocabulary)."""
        return [d for d in DESCRIPTORS if self.vocabulary is not None or d != "oov_share"]


@dataclass(frozen=True)
class ChampionScores:
    """The champion's positive-class probability on the reference (its held-out ``val``
    reviews) and on the current rows (same order as ``current``); labels, when known, add its
    classification quality on both sides."""

    reference_proba: np.ndarray
    current_proba: np.ndarray
    reference_labels: np.ndarray | None = None
    current_labels: np.ndarray | None = None


@dataclass
class Sides:
    """The Evidently frames of both sides and what they hold."""

    reference: pd.DataFrame
    current: pd.DataFrame
    descriptors: dict[str, pd.DataFrame]
    descriptor_names: list[str]
    embedding_columns: list[str]
    with_proba: bool = False
    with_quality: bool = False

    @property
    def both_classes(self) -> bool:
        """Labels of both classes on each side (Evidently's per-class quality needs them)."""
        frames = (self.reference, self.current)
        return self.with_quality and all(df["label"].nunique() == 2 for df in frames)


def sample_positions(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a seeded sample of ``min(n, size)`` rows (all rows when smaller)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _tokens(frame: pd.DataFrame, tools: TextTools) -> list[list[str]]:
    if "tokens" in frame.columns:
        return [list(t) for t in frame["tokens"]]
    if tools.preprocessor is None:
        raise ValueError("frames without a 'tokens' column need a preprocessor")
    return tools.preprocessor.tokens(list(frame["text"]), n_process=tools.n_process)


def _side(
    frame: pd.DataFrame, positions: np.ndarray, tools: TextTools, vocab: pd.Index | None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The Evidently frame of one side: text, descriptors, embedding columns."""
    rows = frame.iloc[positions].reset_index(drop=True)
    texts = rows["text"].astype(str).tolist()
    tokens = _tokens(rows, tools)
    desc = compute_descriptors(texts, tokens, vocab)
    out = pd.concat([pd.DataFrame({"text": texts}), desc], axis=1)
    emb_cols: list[str] = []
    if tools.embedder is not None:
        vectors = tools.embedder.transform(tokens)
        emb_cols = [f"emb_{i:03d}" for i in range(vectors.shape[1])]
        out = pd.concat([out, pd.DataFrame(vectors.astype(np.float64), columns=emb_cols)], axis=1)
    return out, desc, emb_cols


def _champion_blocks(
    champion: ChampionScores, n_ref: int, cur_pos: np.ndarray, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """``(reference block, current block, with labels)``: ``proba`` (and ``label``) columns;
    the reference is a seeded sample of ``n_ref`` val predictions."""
    proba = np.asarray(champion.reference_proba, dtype=np.float64)
    pos = sample_positions(len(proba), n_ref, seed + 2)
    ref = pd.DataFrame({"proba": proba[pos]})
    cur = pd.DataFrame({"proba": np.asarray(champion.current_proba, dtype=np.float64)[cur_pos]})
    if champion.current_labels is None or champion.reference_labels is None:
        return ref, cur, False
    labels = pd.Series(np.asarray(champion.current_labels, dtype=object)[cur_pos])
    if not labels.notna().all():
        return ref, cur, False
    ref["label"] = np.asarray(champion.reference_labels)[pos].astype(np.int64)
    cur["label"] = labels.astype(np.int64).to_numpy()
    return ref, cur, True


def build_sides(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    positions: tuple[np.ndarray, np.ndarray],
    *,
    tools: TextTools,
    champion: ChampionScores | None,
    seed: int,
) -> Sides:
    """Both Evidently frames from the sampled ``positions`` (reference, current). With the
    champion's scores the reference keeps at most as many rows as it has val predictions."""
    ref_pos, cur_pos = positions
    if champion is not None:
        ref_pos = ref_pos[: min(len(ref_pos), len(champion.reference_proba))]
    vocab = None if tools.vocabulary is None else pd.Index(tools.vocabulary)
    ref_df, ref_desc, emb_cols = _side(reference, ref_pos, tools, vocab)
    cur_df, cur_desc, _ = _side(current, cur_pos, tools, vocab)
    descriptors = {"reference": ref_desc, "current": cur_desc}
    sides = Sides(ref_df, cur_df, descriptors, tools.descriptor_names(), emb_cols)
    if champion is not None:
        ref_block, cur_block, labelled = _champion_blocks(champion, len(ref_pos), cur_pos, seed)
        sides.reference = pd.concat([ref_df, ref_block], axis=1)
        sides.current = pd.concat([cur_df, cur_block], axis=1)
        sides.with_proba, sides.with_quality = True, labelled
    return sides
