"""``TextPreprocessor``: the public API (config round trip, order, robustness, processes)."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest
import yaml

from mlops_pipeline.text import DEFAULT_CONFIG, TextPreprocessor

ROOT = Path(__file__).resolve().parents[2]
EDGE = [
    "",
    "<br /><br />",
    "   ",
    "Great! <br />Loved it.",
    "😀😀 とても良い映画 очень хорошо",
    "word " * 12000,  # > 10k words
    "a" * 5000,
]


def test_base_parameters_equal_the_code_defaults() -> None:
    # The docs/params file and the defaults a saved model falls back to must not drift apart.
    params = yaml.safe_load((ROOT / "conf/base/parameters_preprocess.yml").read_text())
    assert set(params["preprocess"]) == {"text", "speed"}
    assert TextPreprocessor(params["preprocess"]["text"]).to_config() == DEFAULT_CONFIG


def test_speed_knobs_are_not_part_of_the_config() -> None:
    # A model hashes to_config(): n_process / chunk_size / show_progress must never be in it.
    assert not {"n_process", "chunk_size", "show_progress"} & set(DEFAULT_CONFIG)
    with pytest.raises(ValueError, match="preprocess.speed"):
        TextPreprocessor({"chunk_size": 10})


def test_to_config_round_trips_through_json_and_pickle() -> None:
    pre = TextPreprocessor({"stemmer": "porter", "clean": {"remove_numbers": True}})
    config = json.loads(json.dumps(pre.to_config()))
    rebuilt = TextPreprocessor(config)
    texts = ["It's 10 times better, studies show!"]
    assert (
        rebuilt.tokens(texts)
        == pre.tokens(texts)
        == [["it", "'s", "time", "good", "studi", "show", "!"]]
    )
    assert pickle.loads(pickle.dumps(pre)).tokens(texts) == pre.tokens(texts)
    assert copy.deepcopy(pre).to_config() == pre.to_config()


def test_missing_keys_fall_back_to_defaults() -> None:
    assert TextPreprocessor({"stemmer": "porter"}).to_config()["clean"] == DEFAULT_CONFIG["clean"]
    assert TextPreprocessor({"clean": {"lowercase": False}}).to_config()["clean"]["strip_html"]


def test_edge_cases_keep_every_row() -> None:
    pre = TextPreprocessor({})
    light, tokens = pre.light_and_tokens(EDGE)
    assert len(light) == len(tokens) == len(EDGE)
    assert tokens[0] == tokens[1] == tokens[2] == [] and light[1] == ""
    assert tokens[3] == ["great", "!", "love", "it"]
    assert "😀" in tokens[4] and "очень" in tokens[4]
    assert len(tokens[5]) == 12000
    assert tokens[6] == ["a" * 5000]
    assert light == pre.light(EDGE) and tokens == pre.tokens(EDGE)


def test_processes_give_the_same_tokens_in_the_same_order() -> None:
    texts = [f"Review {i}: it's <b>not</b> bad, {'great ' * (i % 5)}!" for i in range(60)] + EDGE
    pre = TextPreprocessor({})
    serial = pre.light_and_tokens(texts, n_process=1, chunk_size=7)
    parallel = pre.light_and_tokens(texts, n_process=2, chunk_size=7)
    assert parallel == serial
    assert pre.tokens(texts, n_process=2, show_progress=True) == serial[1]
    assert serial[1][1][:2] == ["review", "1"]


def test_chunk_size_does_not_change_the_output() -> None:
    texts = [f"Movie {i} was fine." for i in range(10)]
    pre = TextPreprocessor({})
    assert pre.tokens(texts, chunk_size=3) == pre.tokens(texts)


@pytest.mark.parametrize("n_process", [0, -1])
def test_n_process_edge_values(n_process: int) -> None:
    assert TextPreprocessor({}).tokens(["a b"], n_process=n_process) == [["a", "b"]]
