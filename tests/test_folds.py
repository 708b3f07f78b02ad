"""The row-order contract (``mlops_pipeline.folds``) that every feature matrix follows."""

from __future__ import annotations

import pandas as pd
from synthetic_tokens import synthetic_reviews

from mlops_pipeline.folds import FOLDS, ROW_COLUMNS, select_documents


def test_rows_are_numbered_per_fold_in_fold_order_and_input_order() -> None:
    reviews = synthetic_reviews(n_per_fold=3).sample(frac=1.0, random_state=0)
    by_fold, rows = select_documents(reviews)
    assert list(rows.columns) == ROW_COLUMNS
    assert list(rows["fold"]) == ["fit"] * 3 + ["val"] * 3 + ["test"] * 3  # unsup left out
    assert list(rows["row"]) == [0, 1, 2] * 3
    for fold in FOLDS:
        frame = by_fold[fold]
        expected = reviews.loc[reviews["fold"] == fold, "review_id"].tolist()  # stable order
        assert frame["review_id"].tolist() == expected
        assert frame["row"].tolist() == list(range(len(frame)))
        assert {"tokens", "label"} <= set(frame.columns) and "fold" not in frame
    # the rows table and the per-fold frames agree row by row
    stacked = pd.concat([by_fold[f].assign(fold=f) for f in FOLDS], ignore_index=True)
    pd.testing.assert_frame_equal(stacked[ROW_COLUMNS], rows)
