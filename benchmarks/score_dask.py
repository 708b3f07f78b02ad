"""``score`` on Dask: reviews/s with 1, 2 and 4 local workers, against the local path.

Usage (real data; wrap in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/score_dask.py                        # 5,000 test reviews, 1 2 4 workers
    python benchmarks/score_dask.py --limit 25000 --workers 1 2 4 8 --model champion
    python benchmarks/score_dask.py --out benchmarks/results/dask-<date>.md

For each worker count a ``LocalCluster`` of that many single-threaded worker *processes* is
started; the batch is scored twice through :func:`mlops_pipeline.scoring.score_accepted` with
``dask_scheduler`` = its address: ``first`` includes sending the model folder to every worker
and loading it there, ``steady`` is the median of ``--repeats`` further batches (the workers
keep the loaded model). The local baseline is the same call with ``n_process=1`` (no cluster),
also once to warm up (spaCy and the model load lazily) and then the median of ``--repeats``.
Every run's probabilities must equal the local ones (the script fails otherwise). Cluster
start-up is not counted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from distributed import LocalCluster  # noqa: E402
from score import DATA, handles  # noqa: E402  (benchmarks/score.py: the same model choice)

from mlops_pipeline.scoring import score_accepted, validate_reviews  # noqa: E402


def handle_of(which: str) -> object:
    """The champion over every training pipeline, or the val-best classical model (the same
    choice as benchmarks/score.py)."""
    return handles(which)


def timed(accepted: pd.DataFrame, handle: object, **kwargs) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    table = score_accepted(accepted, handle, scored_at="bench", **kwargs)
    return len(accepted) / (time.perf_counter() - started), table["probability"].to_numpy()


def steady_rate(
    accepted: pd.DataFrame, handle: object, repeats: int, **kwargs
) -> tuple[float, list]:
    """Median reviews/s of ``repeats`` timed batches and their probabilities."""
    runs = [timed(accepted, handle, **kwargs) for _ in range(repeats)]
    return float(np.median([rate for rate, _ in runs])), [proba for _, proba in runs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=5000, help="test reviews scored per run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--chunk-size", type=int, default=250)
    parser.add_argument("--model", choices=["best-classical", "champion"], default="best-classical")
    parser.add_argument("--repeats", type=int, default=5, help="timed batches per setting (median)")
    parser.add_argument("--out", type=Path, default=None, help="also write a markdown table here")
    args = parser.parse_args()

    reviews = pd.read_parquet(DATA / "02_intermediate/ingest/reviews.parquet")
    test = reviews[reviews["split"] == "test"].sample(frac=1.0, random_state=0).head(args.limit)
    batch = test.rename(columns={"review_id": "id"})[["id", "text"]].reset_index(drop=True)
    accepted, _ = validate_reviews(batch, max_chars=100_000)
    handle = handle_of(args.model)
    print(f"model {handle.model_id}; {len(accepted)} test reviews; chunk {args.chunk_size}")
    local_first, expected = timed(accepted, handle, n_process=1, chunk_size=args.chunk_size)
    local_rate, _ = steady_rate(
        accepted, handle, args.repeats, n_process=1, chunk_size=args.chunk_size
    )
    print(f"local, 1 process: {local_rate:.0f} reviews/s (first batch {local_first:.0f})")
    rows = [("local (no cluster)", "1 process", f"{local_rate:.0f}", f"{local_first:.0f}", "1.00")]
    for n in args.workers:
        with LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address
            first, proba = timed(
                accepted, handle, chunk_size=args.chunk_size, dask_scheduler=address
            )
            steady, again = steady_rate(
                accepted, handle, args.repeats, chunk_size=args.chunk_size, dask_scheduler=address
            )
        if not all(np.array_equal(p, expected) for p in [proba, *again]):
            print(f"dask, {n} workers: probabilities differ from the local path", file=sys.stderr)
            return 1
        print(f"dask, {n} workers: {steady:.0f} reviews/s (first batch {first:.0f}); identical")
        rows.append(("dask LocalCluster", f"{n} worker(s)", f"{steady:.0f}", f"{first:.0f}",
                     f"{steady / local_rate:.2f}"))  # fmt: skip
    if args.out is not None:
        load = os.getloadavg()
        lines = [
            f"model `{handle.model_id}` ({args.model}), {len(accepted)} IMDb test reviews, chunk "
            f"{args.chunk_size}, steady = median of {args.repeats} batches; "
            f"{os.cpu_count()} CPUs, load average at the end "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; Python {platform.python_version()}",
            "",
            "| path | workers | steady reviews/s | first batch reviews/s | steady / local |",
            "|---|---|---:|---:|---:|",
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
        args.out.write_text("\n".join(lines) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
