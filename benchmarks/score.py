"""Scoring speed end to end (read, validate, predict, write): the champion and the best classical.

Usage (real data; wrap in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/score.py                 # the 25,000 test reviews, both models
    python benchmarks/score.py --limit 5000 --n-process 2 --models champion

``score`` serves the champion: the val-best model of every training pipeline (today the
ensemble); ``best-classical`` is the val-best of ``train_classical`` alone. For each, prints
``score: <N> reviews/s`` (the batch written to a parquet file first, then read, validated,
scored with the model's own ``predict_proba`` on ``--n-process`` parallel chunks, and written
atomically) against the issue-25 target (2,000 reviews/s), then ``limit: <M> reviews/s``:
``n_process`` times the bare one-process spaCy tokenizer (the project's lean blank English
tokenizer, nothing else) on the same reviews, measured in the same run, and the fraction of
that limit each model reached.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlops_pipeline.datasets import BatchFilesDataset, TextModelsDataset  # noqa: E402
from mlops_pipeline.models.champion import select_champion, select_champion_from_sets  # noqa: E402
from mlops_pipeline.scoring import read_reviews, score_accepted, validate_reviews  # noqa: E402
from mlops_pipeline.text.tokenize import blank_english  # noqa: E402

DATA = ROOT / "data"
TARGET = 2000.0  # reviews/s, issue 25 (score end to end, 2 processes)
PIPELINES = ("train_classical", "train_lstm", "train_bert", "train_ensemble")


def handles(which: str) -> object:
    """The champion over every training pipeline, or the val-best classical model."""
    if which == "best-classical":
        return select_champion(TextModelsDataset(str(DATA / "06_models/train_classical")).load())
    sets = {
        f"{p}_models": TextModelsDataset(str(DATA / "06_models" / p)).load()
        for p in PIPELINES
        if (DATA / "06_models" / p).is_dir()
    }
    return select_champion_from_sets(sets)[1]


def score_once(batch: pd.DataFrame, which: str, args: argparse.Namespace) -> tuple[float, float]:
    """(reviews/s end to end, accuracy) of scoring ``batch`` with ``which``."""
    handle = handles(which)
    model = handle.load()
    model.predict_proba(["warm up the tokenizer and lemma tables"])
    print(f"{which}: {handle.model_id}; {len(batch)} test reviews; n_process={args.n_process}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench_batch.parquet"
        batch.to_parquet(source, index=False)
        started = time.perf_counter()
        frame = read_reviews(source)
        accepted, rejects = validate_reviews(frame, max_chars=100_000)
        table = score_accepted(
            accepted, handle, n_process=args.n_process, chunk_size=args.chunk_size, model=model
        )
        BatchFilesDataset(str(Path(tmp) / "out")).save(
            {"bench_batch": {"predictions.parquet": table, "rejects.parquet": rejects}}
        )
        seconds = time.perf_counter() - started
    accuracy = float(((table["probability"] >= 0.5).astype(int) == batch["label"]).mean())
    return len(batch) / seconds, accuracy


def bare_tokenizer_rate(texts: list[str]) -> float:
    """Reviews/s of the bare one-process spaCy tokenizer (no cleaning, no lemmas)."""
    nlp = blank_english(lean=True)
    list(nlp.tokenizer.pipe(texts[:200]))  # warm up
    started = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only this many reviews")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument(
        "--models", nargs="+", default=["champion", "best-classical"],
        choices=["champion", "best-classical"],
    )  # fmt: skip
    args = parser.parse_args()

    reviews = pd.read_parquet(DATA / "02_intermediate/ingest/reviews.parquet")
    test = reviews.loc[reviews["fold"] == "test", ["review_id", "text", "label"]]
    test = test.sort_values("review_id").head(args.limit or len(test))
    batch = test.rename(columns={"review_id": "id"}).reset_index(drop=True)
    rates = {}
    for which in args.models:
        rate, accuracy = score_once(batch, which, args)
        rates[which] = rate
        verdict = "met" if rate >= TARGET else "missed"
        print(
            f"  accuracy {accuracy:.4f}; score: {rate:.0f} reviews/s ({verdict}: target {TARGET:.0f})"
        )
    limit = args.n_process * bare_tokenizer_rate(batch["text"].tolist())
    print(f"limit: {limit:.0f} reviews/s")
    for which, rate in rates.items():
        print(f"fraction of limit ({which}): {rate / limit:.2f}")


if __name__ == "__main__":
    main()
