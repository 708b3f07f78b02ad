"""Run every benchmark script and write ``benchmarks/results/<date>.md`` (``make bench``).

Usage (wrap it in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/run.py                         # every benchmarks/*.py, full size (long)
    python benchmarks/run.py --quick                 # the same scripts on small slices
    python benchmarks/run.py --only preprocess,timeseries --quick
    python benchmarks/run.py --report-only           # rebuild the markdown, run nothing

Scripts are discovered (``benchmarks/*.py`` but this one, ``_*.py`` and the modules in
:data:`MODULES`); a script without an entry in :data:`ARGS` runs with no arguments. Each one
runs in its own process: its wall time and peak memory (``wait4`` rusage) are measured here,
its output is kept in ``benchmarks/results/logs/<date>/<script>.log`` and the runs in
``benchmarks/results/<date>.json`` (rerunning a selection on the same day updates only those
entries).

The report also reads what the pipelines already wrote (nothing is recomputed): the accuracy of
every model (``data/08_reporting/evaluate/leaderboard.csv``), each stage's wall time and peak
memory (``data/08_reporting/<stage>/node_timings.json``), the model cards (device, rows) and the
machine description.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results"
REPORTING = ROOT / "data" / "08_reporting"
MODELS = ROOT / "data" / "06_models"


def _embedding_config() -> list[str]:
    """embedding_defaults.py needs a config: the pipeline's own Word2Vec settings."""
    import yaml

    params = yaml.safe_load((ROOT / "conf/base/parameters_embeddings.yml").read_text())
    config = {"family": "word2vec", **params["embeddings"]["word2vec"]}
    return ["--config", json.dumps(config), "--workers", str(params["embeddings"]["workers"])]


#: script -> (full-size arguments, --quick arguments); callables are evaluated at run time
ARGS: dict[str, tuple[Any, Any]] = {
    "classical": ([], ["--limit-per-fold", "2000"]),
    "embedding_defaults": (_embedding_config, lambda: [*_embedding_config(), "--limit", "2000"]),
    "lstm": ([], ["--fit-rows", "2000", "--val-rows", "1000", "--set", "training.epochs=1"]),
    "bert": ([], ["--speed-only", "--fit-rows", "96"]),
    "preprocess": ([], ["--limit", "5000"]),
    "timeseries": ([], ["--seeds", "42"]),
    "retrain_simulation": ([], ["--launch-rows", "2000", "--batch-rows", "500"]),
    "serve": (["--demo-swap", "--demo-gate"], ["--single", "100", "--batches", "5"]),
}
#: Kedro's rich log lines (a timestamp, or the wrapped continuation of one): not results
_LOG_LINE = re.compile(r"^(\[\d\d/\d\d/\d\d|\s{20,}\S|\d{4}-\d\d-\d\d[ T]\d\d:)")


#: modules other scripts import, not benchmarks (reliability.py reads the registry's probes)
MODULES = {"reliability_registry"}


def discover() -> list[str]:
    return sorted(
        p.stem
        for p in BENCH.glob("*.py")
        if p.name != Path(__file__).name and p.stem[0] != "_" and p.stem not in MODULES
    )


def _args(name: str, quick: bool) -> list[str]:
    full, small = ARGS.get(name, ([], []))
    chosen = small if quick else full
    return list(chosen() if callable(chosen) else chosen)


def _clean_log(text: str) -> str:
    """Progress bars rewrite their line with \\r: keep only each line's final state."""
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.splitlines()) + "\n"


def run_script(name: str, quick: bool, log_dir: Path, timeout: float | None) -> dict[str, Any]:
    """One benchmark in its own process: return code, wall time, peak RSS, headline lines."""
    args = _args(name, quick)
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.log"
    env = dict(os.environ, KEDRO_DISABLE_TELEMETRY="1", PYTHONUNBUFFERED="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    print(f"== {name} {' '.join(args)}", flush=True)
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(  # noqa: S603 - our interpreter, our scripts
            [sys.executable, str(BENCH / f"{name}.py"), *args],
            cwd=ROOT, env=env, stdout=out, stderr=err,
        )  # fmt: skip
        timer = threading.Timer(timeout, process.kill) if timeout else None
        if timer:
            timer.start()
        # wait4: this child's own peak RSS (the largest of its process tree reaped by it)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        timed_out = bool(timer) and not timer.is_alive()
        if timer:
            timer.cancel()
    wall = time.perf_counter() - start
    peak_mb = usage.ru_maxrss / 1024
    texts = {}
    for path in (out_path, err_path):
        texts[path] = _clean_log(path.read_text(encoding="utf-8", errors="replace"))
        path.write_text(texts[path], encoding="utf-8")
    # the results are what a script prints on stdout (its logging goes to stderr)
    source = texts[out_path] if process.returncode == 0 else texts[err_path]
    lines = [ln[:400] for ln in source.splitlines() if ln.strip() and not _LOG_LINE.match(ln)]
    headline = lines[-15:]
    status = "timeout" if timed_out else ("ok" if process.returncode == 0 else "failed")
    print(f"   {status} in {wall:.0f} s, peak {peak_mb:.0f} MiB", flush=True)
    return {
        "script": name,
        "args": args,
        "quick": quick,
        "status": status,
        "returncode": process.returncode,
        "wall_seconds": round(wall, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "headline": headline,
        "log": str(err_path.relative_to(ROOT)),
        "output": str(out_path.relative_to(ROOT)),
    }


# ---------------------------------------------------------------- the report


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    mem = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024**2:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rows = [f"CPU: {cpu}, {usable} usable cores ({os.cpu_count()} online), {mem}"]
    try:
        import torch

        gpu = (
            f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
            if torch.cuda.is_available()
            else "none (CPU only)"
        )
        rows.append(f"GPU: {gpu}; torch {torch.__version__}")
    except ImportError:
        rows.append("GPU: unknown (torch not importable)")
    rows.append(f"OS: {platform.platform()}; Python {platform.python_version()}")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    rows.append(f"git commit: {commit or 'unknown'}")
    return rows


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["(none found)"]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return out


def leaderboard() -> list[str]:
    path = REPORTING / "evaluate" / "leaderboard.csv"
    if not path.exists():
        return [f"`{path.relative_to(ROOT)}` is missing: run `dvc repro evaluate`."]
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    wanted = [
        "rank", "model_id", "accuracy", "roc_auc", "val_accuracy", "test_rows", "train_rows",
        "device", "throughput_reviews_per_s",
    ]  # fmt: skip
    header = [c for c in wanted if rows and c in rows[0]]
    return _table(header, [[row[c] for c in header] for row in rows])


def stages() -> list[str]:
    rows = []
    for path in sorted(REPORTING.glob("*/node_timings.json")):
        timings = _read_json(path) or {}
        nodes = timings.get("nodes") or {}
        slowest = max(nodes, key=nodes.get) if nodes else None
        rows.append(
            [
                path.parent.name,
                f"{timings.get('total_seconds', 0) / 60:.1f}",
                timings.get("peak_rss_mb", "n/a"),
                len(nodes),
                f"{slowest} ({nodes[slowest]:.0f} s)" if slowest else "",
            ]
        )
    if rows:
        total = sum(float(row[1]) for row in rows)
        rows.append(["**total** (sum of the stages)", f"{total:.1f}", "", "", ""])
    return _table(["stage", "wall min", "peak RSS MiB", "nodes", "slowest node"], rows)


def timeseries_board() -> list[str]:
    path = REPORTING / "timeseries" / "leaderboard.csv"
    if not path.exists():
        return [f"`{path.relative_to(ROOT)}` is missing: run `dvc repro timeseries`."]
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0]) if rows else []
    return _table(header, [[row[c] for c in header] for row in rows])


def model_cards() -> list[str]:
    rows = []
    for card_path in sorted(MODELS.glob("train_*/*/model_card.json")):
        card = _read_json(card_path) or {}
        val = card.get("val_metrics") or {}
        rows.append(
            [
                card.get("model_id", card_path.parent.name),
                card.get("family"),
                card.get("device"),
                card.get("train_rows"),
                val.get("rows"),
                val.get("accuracy"),
                card.get("train_seconds"),
            ]
        )
    header = ["model", "family", "device", "train rows", "val rows", "val acc", "train s"]
    return _table(header, rows)


def _find(runs: dict[str, dict], script: str, pattern: str) -> str | None:
    for line in (runs.get(script) or {}).get("headline", []):
        if match := re.search(pattern, line):
            return match.group(1)
    return None


def speeds(runs: dict[str, dict]) -> list[str]:
    rows = []
    ratio = _find(runs, "classical", r"ratio kedro / plain: ([\d.]+)")
    rows.append(
        ["classical path overhead (kedro / plain script, target <= 1.3)", ratio, "classical"]
    )
    prep = _find(runs, "preprocess", r"^preprocess: ([\d.]+) reviews/s")
    rows.append(["preprocessing, reviews/s (light + tokens)", prep, "preprocess"])
    score = _find(runs, "score", r"([\d.]+)\s*reviews/s")
    rows.append(["batch scoring, reviews/s (score pipeline)", score, "score"])
    timings = _read_json(REPORTING / "evaluate" / "timings.json") or {}
    board = REPORTING / "evaluate" / "leaderboard.csv"
    if board.exists():
        with board.open(newline="") as handle:
            first = next(csv.DictReader(handle), None)
        if first and first["model_id"] in timings:
            rate = timings[first["model_id"]].get("throughput_reviews_per_s")
            rows.append([f"raw-text scoring of the top model ({first['model_id']}), reviews/s",
                         rate, "evaluate timings.json"])  # fmt: skip
    rows = [
        [what, value if value is not None else "not measured", src] for what, value, src in rows
    ]
    return _table(["figure", "value", "from"], rows)


def runs_table(runs: dict[str, dict]) -> list[str]:
    rows = [
        [r["script"], "quick" if r["quick"] else "full", r["status"], r["wall_seconds"],
         r["peak_rss_mb"], f"`{r.get('output', r['log'])}`"]
        for r in runs.values()
    ]  # fmt: skip
    out = _table(["script", "size", "status", "wall s", "peak RSS MiB", "output"], rows)
    for r in runs.values():
        out += ["", f"`{r['script']}.py {' '.join(r['args'])}`".replace("  ", " "), "", "```"]
        out += r["headline"] or ["(no output)"]
        out += ["```"]
    return out


def render(date: str, runs: dict[str, dict]) -> str:
    skipped = sorted(set(discover()) - set(runs))
    parts = [
        f"# Benchmark results, {date}",
        "",
        "Generated by `python benchmarks/run.py` (`make bench`); rebuild with `--report-only`.",
        "",
        "## Machine",
        "",
        *[f"- {row}" for row in machine()],
        "",
        "## Accuracy of every model (test fold, `data/08_reporting/evaluate/leaderboard.csv`)",
        "",
        *leaderboard(),
        "",
        "## Time series (test part, `data/08_reporting/timeseries/leaderboard.csv`)",
        "",
        *timeseries_board(),
        "",
        "## Stages: wall time and peak memory (`data/08_reporting/<stage>/node_timings.json`)",
        "",
        *stages(),
        "",
        "## Models: device and rows (model cards)",
        "",
        *model_cards(),
        "",
        "## Speed",
        "",
        *speeds(runs),
        "",
        "## Benchmark scripts run",
        "",
        *(runs_table(runs) if runs else ["(none: `--report-only` without a run today)"]),
    ]
    if skipped:
        parts += ["", f"Not run for this report: {', '.join(skipped)}."]
    return "\n".join(parts) + "\n"


README_START = "<!-- results:start (benchmarks/run.py --readme) -->"
README_END = "<!-- results:end -->"


def readme_results(date: str) -> str:
    """The README's results section: both leaderboards and the stage times, from the outputs."""
    return "\n".join(
        [
            README_START,
            f"Generated by `python benchmarks/run.py --report-only --readme` on {date} from the",
            f"pipelines' outputs (full report: `benchmarks/results/{date}.md`).",
            "",
            *[f"- {row}" for row in machine()[:2]],
            "",
            "**IMDb, every model** (`accuracy` on `test_rows` reviews; `val_accuracy` chose it):",
            "",
            *leaderboard(),
            "",
            "**Time series** (co2, test part):",
            "",
            *timeseries_board(),
            "",
            "**Stages** (wall time and peak memory of the last run of each):",
            "",
            *stages(),
            README_END,
        ]
    )


def update_readme(readme: Path, date: str) -> None:
    """Replace the text between the README's result markers (both must be there)."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise SystemExit(f"{readme}: markers {README_START!r} / {README_END!r} not found")
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    _write(readme, head + readme_results(date) + tail)


def _write(path: Path, text: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from mlops_pipeline.atomic_io import atomic_file

    with atomic_file(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated script names (default: all)")
    parser.add_argument("--skip", default="", help="comma-separated script names to leave out")
    parser.add_argument("--quick", action="store_true", help="small slices (minutes, not hours)")
    parser.add_argument("--report-only", action="store_true", help="run nothing, rebuild the md")
    parser.add_argument("--readme", action="store_true", help="also rewrite README's results")
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument("--timeout", type=float, default=None, help="seconds per script")
    args = parser.parse_args(argv)

    available = discover()
    only = [s for s in args.only.split(",") if s]
    unknown = sorted(set(only) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {', '.join(available)}")
    selected = [s for s in (only or available) if s not in set(args.skip.split(","))]

    runs_path = RESULTS / f"{args.date}.json"
    runs: dict[str, dict] = _read_json(runs_path) or {}
    failed = []
    if not args.report_only:
        for name in selected:
            result = run_script(name, args.quick, RESULTS / "logs" / args.date, args.timeout)
            runs[name] = result
            _write(runs_path, json.dumps(runs, indent=2, sort_keys=True) + "\n")
            if result["status"] != "ok":
                failed.append(name)
    report = RESULTS / f"{args.date}.md"
    _write(report, render(args.date, runs))
    print(f"report: {report.relative_to(ROOT)}")
    if args.readme:
        update_readme(ROOT / "README.md", args.date)
        print("README.md: results section rewritten")
    if failed:
        print(f"failed: {', '.join(failed)} (see their logs)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
