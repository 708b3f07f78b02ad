"""The row-order contract of every feature matrix, in one place.

``features`` and ``embeddings`` both turn ``reviews_preprocessed`` into one matrix per fold.
Row ``i`` of the matrix of fold ``f`` is the review with ``fold == f`` and ``row == i`` in the
stage's rows table (``review_id``, ``fold``, ``label``, ``row``). :func:`select_documents` is the
only place that decides that order: labelled folds in :data:`FOLDS` order, and within a fold the
order of the input table (a stable sort), so the same table always gives the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: Labelled folds, in the order their rows are numbered (DESIGN.md "Reviews table").
FOLDS: tuple[str, ...] = ("fit", "val", "test")
#: Folds a representation may be fit on (never ``test``; DESIGN.md "Who sees what").
TRAIN_FOLDS: tuple[str, ...] = ("fit", "val")
#: Columns of a rows table.
ROW_COLUMNS: list[str] = ["review_id", "fold", "label", "row"]


def select_documents(
    preprocessed: pd.DataFrame, columns: Sequence[str] = ("tokens",)
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Labelled reviews per fold and the rows table of the matrices built from them.

    Returns ``({fold: frame}, rows)``: each frame has ``review_id``, ``label``, ``row`` and
    ``columns``, in matrix row order; ``rows`` stacks the folds in :data:`FOLDS` order.
    """
    wanted = ["review_id", "fold", "label", *columns]
    docs = preprocessed.loc[preprocessed["fold"].isin(FOLDS), wanted].copy()
    docs["fold"] = pd.Categorical(docs["fold"], categories=FOLDS, ordered=True)
    docs = docs.sort_values("fold", kind="stable").reset_index(drop=True)
    docs["fold"] = docs["fold"].astype(str)
    docs["row"] = docs.groupby("fold").cumcount().astype("int64")
    by_fold = {
        fold: docs.loc[docs["fold"] == fold].drop(columns="fold").reset_index(drop=True)
        for fold in FOLDS
    }
    return by_fold, docs[ROW_COLUMNS].reset_index(drop=True)
