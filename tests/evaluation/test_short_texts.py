"""The one-sentence set: the first lettered sentence of each review, with its review's label."""

from __future__ import annotations

import pandas as pd
import pytest

from mlops_pipeline.evaluation.short_texts import first_sentences, short_review_rows


def test_first_sentence_is_the_first_one_with_a_letter() -> None:
    texts = [
        "Great film. Terrible ending though!",
        "10/10! What a waste of time. Avoid.",
        "No full stop at all",
        "",
    ]
    assert first_sentences(texts) == [
        "Great film.",
        "What a waste of time.",
        "No full stop at all",
        "",
    ]


def test_splitting_a_prefix_equals_splitting_the_whole_text() -> None:
    long_first = "This " + "very " * 300 + "long sentence ends here. Second one."
    texts = [long_first, "Short one. " + "Filler words here. " * 100]
    assert first_sentences(texts, prefix_chars=50) == first_sentences(texts, prefix_chars=10**9)
    assert first_sentences(texts, prefix_chars=50)[0].endswith("ends here.")


def test_rows_keep_id_and_label_and_name_the_missing_column() -> None:
    rows = pd.DataFrame(
        {"review_id": ["a", "b"], "label": [1, 0], "text_light": ["Loved it. Yes.", "Bad. Very."]}
    )
    short = short_review_rows(rows)
    assert short.to_dict("list") == {
        "review_id": ["a", "b"],
        "label": [1, 0],
        "text": ["Loved it.", "Bad."],
    }
    with pytest.raises(ValueError, match="text_light.*kedro run --pipelines preprocess"):
        short_review_rows(rows.drop(columns="text_light"))
