"""Benchmark the ``preprocess`` text code on the real IMDb archive.

Usage: ``python benchmarks/preprocess.py [--limit N] [--n-process 2]``. The archive comes from
``IMDB_SOURCE`` (a ``.tar.gz`` or an extracted ``aclImdb/``) or ``data/01_raw/aclImdb_v1.tar.gz``.
Prints, from one run (reading the archive is excluded from every timing):

    preprocess: <N> reviews/s                      light + tokens, the pipeline's call, n processes
    spacy tokenizer (1 process): <M> reviews/s     nlp.tokenizer.pipe on the same cleaned texts
    ratio: <N/M>                                   target >= 1.4 (issue 3)

``--profile`` adds a cProfile of the single-process preprocessing on a sample, to show where
the time goes when the target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import spacy
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlops_pipeline.datasets.imdb_archive import read_aclimdb  # noqa: E402
from mlops_pipeline.text import TextPreprocessor  # noqa: E402


def archive_path() -> Path:
    source = os.environ.get("IMDB_SOURCE")
    path = Path(source) if source else ROOT / "data/01_raw/aclImdb_v1.tar.gz"
    if not path.exists():
        sys.exit(
            f"No IMDb archive at {path}: run `make data` or set IMDB_SOURCE=/path/to/"
            "aclImdb_v1.tar.gz"
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N reviews (default: all)")
    parser.add_argument("--n-process", type=int, default=None, help="default: parameters file")
    parser.add_argument("--profile", action="store_true", help="cProfile a 5k-review sample")
    args = parser.parse_args()

    params = yaml.safe_load((ROOT / "conf/base/parameters_preprocess.yml").read_text())
    config = params["preprocess"]["text"]
    speed = params["preprocess"]["speed"]
    n_process = args.n_process if args.n_process is not None else speed["n_process"]

    texts = read_aclimdb(archive_path(), show_progress=False)["text"].tolist()[: args.limit]
    print(f"{len(texts)} reviews loaded; n_process={n_process}", file=sys.stderr)

    preprocessor = TextPreprocessor(config)
    start = time.perf_counter()
    light, tokens = preprocessor.light_and_tokens(
        texts, n_process=n_process, chunk_size=speed["chunk_size"]
    )
    seconds = time.perf_counter() - start
    n_rate = len(texts) / seconds

    # Reference: spaCy's tokenizer alone, one process, on the very texts our tokenizer sees,
    # token strings extracted (the least any spaCy-based tokens column can cost).
    cleaned = preprocessor.clean(texts)
    nlp = spacy.blank("en")  # fresh and default: not the cached, lean one ours uses
    start = time.perf_counter()
    reference = [[t.text for t in doc] for doc in nlp.tokenizer.pipe(cleaned)]
    m_seconds = time.perf_counter() - start
    m_rate = len(texts) / m_seconds
    print(
        f"{sum(map(len, tokens))} output tokens in {seconds:.1f} s; "
        f"{sum(map(len, reference))} spaCy tokens in {m_seconds:.1f} s",
        file=sys.stderr,
    )

    print(f"preprocess: {n_rate:.0f} reviews/s")
    print(f"spacy tokenizer (1 process): {m_rate:.0f} reviews/s")
    print(f"ratio: {n_rate / m_rate:.2f}")

    if args.profile:
        sample = texts[:5000]
        profiler = cProfile.Profile()
        profiler.enable()
        TextPreprocessor(config).light_and_tokens(sample, n_process=1)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
