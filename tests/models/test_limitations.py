"""Model card limitations: written for every family from the card's facts, kept when given,
and cards written before they existed still load."""

from __future__ import annotations

import json

from synthetic_text_models import trained_model

from mlops_pipeline.models import load_model
from mlops_pipeline.models.base import CARD_FILE, ModelCard, read_card, write_card
from mlops_pipeline.models.limitations import DOMAIN, SHORT, describe


def _card(family: str, features: str, **kwargs) -> ModelCard:
    return ModelCard(
        model_id="m", family=family, features=features, params=kwargs.pop("params", {}),
        train_rows=kwargs.pop("train_rows", 25_000), train_seconds=1.0, **kwargs,
    )  # fmt: skip


def test_classical_bag_of_words_names_its_data_and_known_weaknesses() -> None:
    lines = describe(_card("nbsvm", "ngrams", extra={"ngram_range": [1, 3]}))
    text = " ".join(lines)
    assert lines[0] == "Trained on 25,000 English IMDb movie reviews."
    assert DOMAIN in lines and SHORT in lines
    assert "beyond 3-grams" in text and "negation" in text and "sarcasm" in text


def test_embeddings_and_deep_models_name_their_own_limits() -> None:
    assert "Word2Vec vocabulary" in " ".join(describe(_card("logreg", "word2vec_mean")))
    assert "Doc2Vec vocabulary" in " ".join(describe(_card("logreg", "doc2vec")))
    lstm = _card(
        "lstm", "tokens+word2vec", device="cpu",
        params={"encoding": {"max_length": 512, "truncation": "head_tail", "head": 0.25}},
        extra={"vocab_size": 36915, "train_median_words": 174.0},
    )  # fmt: skip
    text = " ".join(describe(lstm))
    assert "median 174 words" in text and "512 tokens" in text and "first 25% and the last" in text
    assert "36,915-entry vocabulary" in text
    bert = _card(
        "bert", "text_light+wordpiece", device="cpu", train_rows=2000,
        params={"encoding": {"max_length": 256, "truncation": "head"}},
    )  # fmt: skip
    text = " ".join(describe(bert))
    assert "2,000-review subset" in text and "256 word pieces (the first" in text


def test_ensemble_reports_its_measured_short_text_accuracy() -> None:
    route = {
        "model_id": "mnb__tfidf", "max_words": 20,
        "chosen": {"val_accuracy": 0.9148, "val_one_sentence_accuracy": 0.712},
        "off": {"val_accuracy": 0.9148, "val_one_sentence_accuracy": 0.69},
    }  # fmt: skip
    card = _card(
        "ensemble", "a+b", train_rows=4999, params={"members": ["a", "b"]},
        extra={"short_route": route, "members": [{"train_rows": 25000}, {"train_rows": 20000}]},
    )  # fmt: skip
    text = " ".join(describe(card))
    assert "up to 25,000 English IMDb" in text and "4,999 val reviews" in text
    assert "at most 20 words are answered by mnb__tfidf" in text and "0.712" in text
    assert "0.690" in text and "Combines a, b" in text
    off = {**route, "max_words": 0}
    assert "val first sentences: 0.690" in " ".join(
        describe(_card("ensemble", "a", extra={"short_route": off}))
    )


def test_write_card_fills_limitations_once_and_old_cards_load(tmp_path) -> None:
    card = write_card(tmp_path, _card("mnb", "bow"))
    assert card.limitations == describe(_card("mnb", "bow"))
    stored = json.loads((tmp_path / CARD_FILE).read_text())
    assert stored["limitations"] == card.limitations
    own = write_card(tmp_path, _card("mnb", "bow", limitations=["only cats"]))
    assert own.limitations == ["only cats"]
    stored = json.loads((tmp_path / CARD_FILE).read_text())
    del stored["limitations"]  # a card written before issue 26
    (tmp_path / CARD_FILE).write_text(json.dumps(stored))
    assert read_card(tmp_path).limitations == []


def test_saved_models_carry_limitations(tmp_path) -> None:
    model, _ = trained_model("logreg", "tfidf")
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert loaded.card.limitations and loaded.card.limitations[0].startswith("Trained on")
