"""Scoring speed end to end (read, validate, predict, write) with the classical champion.

Usage (real data; wrap in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/score.py                 # the 25,000 test reviews
    python benchmarks/score.py --limit 5000 --n-process 2

Prints ``score: <N> reviews/s`` (the batch written to a parquet file first, then read,
validated, scored with the champion's own ``predict_proba`` on ``--n-process`` parallel
chunks, and written atomically) and ``limit: <M> reviews/s``: twice the bare one-process
spaCy tokenizer (the project's lean blank English tokenizer, nothing else) on the same
reviews, measured in the same run; and the fraction of that limit reached.
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
from mlops_pipeline.models.champion import select_champion  # noqa: E402
from mlops_pipeline.scoring import read_reviews, score_accepted, validate_reviews  # noqa: E402
from mlops_pipeline.text.tokenize import blank_english  # noqa: E402

DATA = ROOT / "data"


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
    args = parser.parse_args()

    reviews = pd.read_parquet(DATA / "02_intermediate/ingest/reviews.parquet")
    test = reviews.loc[reviews["fold"] == "test", ["review_id", "text", "label"]]
    test = test.sort_values("review_id").head(args.limit or len(test))
    batch = test.rename(columns={"review_id": "id"}).reset_index(drop=True)
    handle = select_champion(TextModelsDataset(str(DATA / "06_models/train_classical")).load())
    model = handle.load()
    model.predict_proba(["warm up the tokenizer and lemma tables"])
    print(f"champion: {handle.model_id}; {len(batch)} test reviews; n_process={args.n_process}")

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
    rate = len(batch) / seconds
    accuracy = float(((table["probability"] >= 0.5).astype(int) == batch["label"]).mean())
    limit = 2 * bare_tokenizer_rate(batch["text"].tolist())
    print(f"end to end: {seconds:.1f} s, accuracy {accuracy:.4f}")
    print(f"score: {rate:.0f} reviews/s")
    print(f"limit: {limit:.0f} reviews/s")
    print(f"fraction of limit: {rate / limit:.2f}")


if __name__ == "__main__":
    main()
