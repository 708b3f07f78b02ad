"""Model cards: what the model is (same bytes every run) apart from what one run measured."""

from __future__ import annotations

import json

from mlops_pipeline.models.base import (
    CARD_FILE,
    RUN_FILE,
    ModelCard,
    merge_run_info,
    read_card,
    split_run_info,
    write_card,
)


def _card(seconds: float, created: str) -> ModelCard:
    return ModelCard(
        model_id="m",
        family="logreg",
        features="tfidf",
        params={"C": 1.0},
        train_rows=10,
        train_seconds=seconds,
        created_at=created,
        extra={"history": [{"epoch": 1, "seconds": seconds, "val_loss": 0.5}], "best": 1},
    )


def test_two_runs_write_the_same_card_bytes_and_keep_their_times_beside_it(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, (seconds, created) in ((first, (1.5, "2026-01-01")), (second, (9.0, "2027"))):
        folder.mkdir()
        (folder / "weights.bin").write_bytes(b"\x00" * 16)
        write_card(folder, _card(seconds, created))
    assert (first / CARD_FILE).read_bytes() == (second / CARD_FILE).read_bytes()
    assert "train_seconds" not in json.loads((first / CARD_FILE).read_text())
    assert json.loads((second / RUN_FILE).read_text())["train_seconds"] == 9.0
    card = read_card(second)
    assert (card.train_seconds, card.created_at) == (9.0, "2027")
    assert card.extra["history"][0] == {"epoch": 1, "seconds": 9.0, "val_loss": 0.5}
    assert card.size_bytes == 16  # the weights only, not the card or its run info


def test_a_card_without_run_info_still_reads(tmp_path):
    write_card(tmp_path, _card(2.0, "x"))
    (tmp_path / RUN_FILE).unlink()  # as after `dvc pull` on another machine
    card = read_card(tmp_path)
    assert card.train_seconds == 0.0 and card.created_at == ""
    assert card.extra["history"][0] == {"epoch": 1, "val_loss": 0.5}


def test_split_and_merge_are_inverse():
    data = _card(3.0, "t").to_dict()
    stable, run = split_run_info(data)
    assert merge_run_info(stable, run) == data
