"""Inference speed from raw text (issue 25): the classical path old vs new, torch vs ONNX Runtime.

Usage (real models in data/06_models; wrap in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/inference.py                      # everything, prints a Markdown table
    python benchmarks/inference.py --only classical     # nbsvm__ngrams + ensemble, old vs new
    python benchmarks/inference.py --only lstm bert --bert-reviews 64

Texts: the fixed 2,000-review test subset ``evaluate`` uses (``evaluate.test_subset``, drawn
with ``common.seed``); texts only, nothing is chosen on them. Every figure is the median of
``--runs`` timed runs after one warm-up, in one process (torch and ONNX Runtime with the
model's ``cpu_threads``). Trust the ratios (new / old, ONNX / torch): they come from one run.

* classical: ``predict_proba`` on the whole subset with the vectorised n-gram counter
  (``features.ngram_index``, new) and with scikit-learn's own transform (old); the
  probabilities of both are compared (max |delta p|).
* lstm / bert: the saved torch model, and the same network exported to ONNX fp32 and int8 in
  this run; reviews/s at batch 1 (one review per call) and batch 32 (32 reviews per call), and
  each runtime's accuracy and max |delta p| against torch on the subset (``--agree-rows``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import mlops_pipeline.features.vectorizers as vectorizers  # noqa: E402
from mlops_pipeline.evaluation.subset import stratified_subset  # noqa: E402
from mlops_pipeline.models.discovery import load_model  # noqa: E402
from mlops_pipeline.models.onnx_runtime import export_onnx, quantize_int8  # noqa: E402

MODELS = ROOT / "data/06_models"


def subset_texts() -> pd.DataFrame:
    """``text`` and ``label`` of evaluate's fixed test subset, in ``review_id`` order."""
    conf = ROOT / "conf/base"
    size = yaml.safe_load((conf / "parameters_evaluate.yml").read_text())["evaluate"]
    seed = yaml.safe_load((conf / "parameters_common.yml").read_text())["common"]["seed"]
    reviews = pd.read_parquet(ROOT / "data/02_intermediate/ingest/reviews.parquet")
    test = reviews.loc[reviews["fold"] == "test", ["review_id", "label", "text"]]
    chosen = stratified_subset(test[["review_id", "label"]], size["test_subset"]["size"], seed)
    return test.set_index("review_id").loc[chosen["review_id"]].reset_index()


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call of ``work``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def median_seconds(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up
    return statistics.median(timed(work)[0] for _ in range(runs))


def rate(model: object, texts: list[str], batch: int, runs: int) -> float:
    """Reviews/s of ``predict_proba`` over ``texts`` in calls of ``batch`` reviews."""
    chunks = [texts[i : i + batch] for i in range(0, len(texts), batch)]
    return len(texts) / median_seconds(lambda: [model.predict_proba(c) for c in chunks], runs)


def classical(rows: pd.DataFrame, runs: int) -> list[str]:
    """Old and new timed in alternation (one pair per run), so a load swing hits both; wall
    and CPU-second rates, medians over the runs, and the median of the per-pair ratios."""
    texts, lines = rows["text"].tolist(), []
    fast = vectorizers.ngram_index

    def old_path(model: object) -> object:
        vectorizers.ngram_index = lambda vec: None  # scikit-learn's transform (before)
        try:
            return model.predict_proba(texts)
        finally:
            vectorizers.ngram_index = fast

    for folder in ("train_classical/nbsvm__ngrams", "train_ensemble/ensemble"):
        model = load_model(MODELS / folder)
        dp = float(np.max(np.abs(model.predict_proba(texts) - old_path(model))))  # warm-up too
        pairs = [(timed(lambda m=model: old_path(m)), timed(lambda m=model: m.predict_proba(texts)))
                 for _ in range(runs)]  # fmt: skip
        n = len(texts)
        old_wall, new_wall = (statistics.median(n / p[i][0] for p in pairs) for i in (0, 1))
        old_cpu, new_cpu = (statistics.median(n / p[i][1] for p in pairs) for i in (0, 1))
        ratio = statistics.median(p[0][0] / p[1][0] for p in pairs)
        lines.append(
            f"| {folder.split('/')[1]} | {old_wall:.0f} | {new_wall:.0f} | {ratio:.2f} | "
            f"{old_cpu:.0f} | {new_cpu:.0f} | {dp:.1e} |"
        )
    return [
        f"Classical, raw text, 1 process, {len(texts)} reviews per call, {runs} alternating "
        "old/new pairs (medians):",
        "",
        "| model | before (reviews/s) | after (reviews/s) | after / before (median of pairs) | "
        "before (reviews per CPU-s) | after (reviews per CPU-s) | max abs dp |",
        "|---|---|---|---|---|---|---|",
        *lines,
    ]


def neural(name: str, folder: str, rows: pd.DataFrame, args: argparse.Namespace) -> list[str]:
    model = load_model(MODELS / folder)
    model.config["cpu_threads"] = args.threads or model.config["cpu_threads"]
    model.use_runtime(None, None)
    reviews = args.bert_reviews if name == "bert" else args.neural_reviews
    texts = rows["text"].tolist()[:reviews]
    agree = rows.head(args.agree_rows if name == "lstm" else min(args.agree_rows, 500))
    inputs, dynamic = model.onnx_signature()
    fp32 = export_onnx(model.network, inputs, dynamic, opset=17)
    with tempfile.TemporaryDirectory() as tmp:
        graphs = {"torch": None, "onnx_fp32": fp32, "onnx_int8": quantize_int8(fp32, tmp)}
    lines, base, torch_rates = [], None, {}
    for runtime, graph in graphs.items():
        model.use_runtime(None if graph is None else {"serve": runtime}, graph)
        p = model.predict_proba(agree["text"].tolist())[:, 1]
        base = p if base is None else base
        acc = float(((p >= 0.5).astype(int) == agree["label"].to_numpy()).mean())
        r1 = rate(model, texts[: max(8, reviews // 4)], 1, args.runs)
        r32 = rate(model, texts, 32, args.runs)
        torch_rates = torch_rates or {"b1": r1, "b32": r32}
        lines.append(
            f"| {name} | {runtime} | {r1:.1f} | {r32:.1f} | {r32 / torch_rates['b32']:.2f} | "
            f"{acc:.4f} | {float(np.max(np.abs(p - base))):.2e} | {len(p)} | "
            f"{len(graph or b'') / 2**20:.1f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=["classical", "lstm", "bert"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--neural-reviews", type=int, default=320, help="LSTM reviews timed")
    parser.add_argument("--bert-reviews", type=int, default=64, help="BERT reviews timed")
    parser.add_argument("--threads", type=int, default=None, help="override cpu_threads")
    parser.add_argument("--agree-rows", type=int, default=2000, help="subset rows compared")
    args = parser.parse_args()
    rows = subset_texts()
    out: list[str] = []
    if "classical" in args.only:
        out += classical(rows, args.runs) + [""]
    neural_lines = []
    for name, folder in (
        ("lstm", "train_lstm/lstm__word2vec"),
        ("bert", "train_bert/bert__minilm_l6"),
    ):
        if name in args.only:
            neural_lines += neural(name, folder, rows, args)
    if neural_lines:
        out += [
            f"Neural, raw text, 1 process, median of {args.runs} (batch 32 / torch batch 32 in "
            "the ratio column; agreement on the first rows of the test subset):",
            "",
            "| model | runtime | batch 1 (reviews/s) | batch 32 (reviews/s) | b32 / torch b32 | "
            "subset accuracy | max abs dp vs torch | rows | ONNX MiB |",
            "|---|---|---|---|---|---|---|---|---|",
            *neural_lines,
        ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
