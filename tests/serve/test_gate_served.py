"""The served request log closes the loop: ``registry gate --served DIR`` judges it with the
one drift implementation; a shifted log fires the gate, a log without text cannot."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic_tokens import project_config

from mlops_pipeline.registry import gate_command as gate_module
from mlops_pipeline.scoring import read_reviews
from mlops_pipeline.serve.metrics import ServeMetrics
from mlops_pipeline.serve.request_log import RequestLog


@pytest.fixture
def gate_root(tmp_path, monkeypatch):
    params = project_config("test")["parameters"]
    params["retrain"] = {**params["retrain"], "drift": {"reference_rows": 200}}
    reference = pd.DataFrame(
        {"text": [f"A fine film, number {i % 60}! Really good acting." for i in range(400)]}
    )
    monkeypatch.setattr(
        gate_module, "load_run_inputs", lambda root, env, ref: (params, reference, None)
    )
    return tmp_path


def _log(folder, texts, *, text=True):
    log = RequestLog(folder, text=text, batch_rows=10_000, flush_seconds=60, metrics=ServeMetrics())
    log.add([{"id": f"s{i}", "text": t, "probability": 0.5, "label": 1, "model_id": "m",
              "model_version": "v", "registry_version": 1, "received_at": "t"}
             for i, t in enumerate(texts)])  # fmt: skip
    path = log.flush()
    log.close()
    return path


def test_a_shifted_served_log_fires_the_gate(gate_root):
    shifted = [
        f"Terrible waste of {i} hours, the worst boring dull sequel ever made, awful script "
        f"and awful actors; avoid it at all costs, really {i % 7} stars too many" * 3
        for i in range(300)
    ]
    path = _log(gate_root / "served", shifted)
    assert list(read_reviews(path).columns[:2]) == ["id", "text"]  # a batch `score` reads
    code, summary = gate_module.served_gate(gate_root, "test", gate_root / "served")
    assert code == 0 and summary["reason"] == "drift", summary
    assert summary["rows"] == 300 and len(summary["batches"]) == 1


def test_a_log_without_text_cannot_fire_it(gate_root):
    _log(gate_root / "served", ["A fine film, number 3! Really good acting."] * 50, text=False)
    code, summary = gate_module.served_gate(gate_root, "test", gate_root / "served")
    assert code == gate_module.SKIP and summary["reason"] == "no served reviews with text"


def test_texts_with_unicode_line_separators_stay_one_line(tmp_path):
    texts = ["one\u2028two", "three\x85four", "five\u2029six\x1c", "caf\u00e9 \U0001f600"]
    path = _log(tmp_path, texts)
    assert read_reviews(path)["text"].tolist() == texts
