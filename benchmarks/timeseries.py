"""Accuracy and time of the ``timeseries`` pipeline on a real series, over several seeds.

Runs the very pipeline of ``kedro run --pipelines timeseries`` (same nodes, conf/base
parameters plus the overrides below) in memory: nothing is written under data/. Without a CSV
it reads the default series of conf/base/globals.yml (``make data`` writes it). Every choice
(window from the train ACF, LSTM architecture and epochs on validation) is made inside each run;
the test figures are reported once, as mean +- sd over the seeds.

    python benchmarks/timeseries.py --preset melbourne            # 3 seeds
    python benchmarks/timeseries.py --preset pollution --seeds 42
    python benchmarks/timeseries.py --csv my.csv --date-columns Date --target y --freq D \
        --seasonal-period 365
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "timeseries"

PRESETS: dict[str, dict[str, Any]] = {
    "co2": {"csv": None},  # the default series of conf/base (globals.yml), weekly
    "sunspots": {
        "csv": str(SHARED / "monthly-sunspots.csv"),
        "data": {"date_columns": ["Month"], "target": "Sunspots", "freq": "MS"},
        "baselines": {"seasonal_period": 132},  # the ~11-year solar cycle, in months
    },
    "melbourne": {
        "csv": str(SHARED / "daily-min-temperatures.csv"),
        "data": {
            "date_columns": ["Date"],
            "target": "Temp",
            "freq": "D",
        },
        "baselines": {"seasonal_period": 365},
    },
    "pollution": {
        "csv": str(SHARED / "pollution.csv"),
        "data": {
            "date_columns": ["year", "month", "day", "hour"],
            "target": "pm2.5",
            "freq": "h",
        },
        "baselines": {"seasonal_period": 24},
    },
}
MODELS = ("persistence", "seasonal_naive", "ridge_ar", "ets", "sarima", "lstm")
ANCHORS = ("ridge_ar", "ets", "sarima")
TABLE_START, TABLE_END = "<!-- bench:timeseries:start -->", "<!-- bench:timeseries:end -->"


def deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and key in out else value
    return out


def run_once(
    raw: pd.DataFrame, params: dict[str, Any], seed: int
) -> tuple[dict, dict, dict, float]:
    """One in-memory run of the pipeline; returns details, repair report, LSTM card, seconds."""
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.runner import SequentialRunner

    from mlops_pipeline.pipelines.timeseries import create_pipeline

    class _KeptDataset(MemoryDataset):
        """The runner releases intermediate memory datasets; keep the results to read them."""

        def _release(self) -> None:
            pass

    for name in ("kedro", "mlops_pipeline"):  # the numbers below are the output
        logging.getLogger(name).setLevel(logging.WARNING)
    catalog = DataCatalog()
    catalog["ts_raw"] = MemoryDataset(raw)
    catalog["params:common.seed"] = seed
    for key, value in params.items():
        catalog[f"params:timeseries.{key}"] = value
    catalog["params:timeseries.data.target"] = params["data"]["target"]
    kept = ("ts_details", "ts_data_report", "ts_lstm_card")
    for name in kept:
        catalog[name] = _KeptDataset()
    started = time.perf_counter()
    SequentialRunner().run(create_pipeline(), catalog)
    seconds = time.perf_counter() - started
    details, report, card = (catalog[name].load() for name in kept)
    return details, report, card, seconds


def default_csv() -> str:
    """The DVC stage's series (conf/base/globals.yml)."""
    globals_ = yaml.safe_load((ROOT / "conf/base/globals.yml").read_text())
    return str(ROOT / globals_["timeseries"]["data"]["filepath"])


def series_row(name: str, runs: list[dict]) -> dict[str, str]:
    """One table row: each model's test RMSE (mean +- sd over seeds), ratios, coverage, time."""
    row = {"series": name}
    for model in MODELS:
        values = [r["details"]["scores"].get(model, {}).get("test", {}).get("rmse") for r in runs]
        row[model] = summary(values) if None not in values else "skipped"
    lstm = np.array([r["details"]["scores"]["lstm"]["test"]["rmse"] for r in runs])
    persistence = np.array([r["details"]["scores"]["persistence"]["test"]["rmse"] for r in runs])
    best = np.array([min(r["details"]["scores"][m]["test"]["rmse"] for m in ANCHORS) for r in runs])
    row["lstm / persistence"] = f"{np.mean(lstm / persistence):.3f}"
    row["lstm / best anchor"] = f"{np.mean(lstm / best):.3f}"
    coverage = [r["details"]["intervals"]["lstm"] for r in runs]
    row["lstm 90 % coverage (95 % CI)"] = "; ".join(
        f"{c['test_coverage']:.3f} ({c['ci95'][0]:.3f}-{c['ci95'][1]:.3f})" for c in coverage
    )
    row["backtest lstm RMSE"] = "; ".join(
        f"{r['details']['backtest']['lstm']['rmse_mean']:.4f} ± "
        f"{r['details']['backtest']['lstm']['rmse_sd']:.4f}"
        for r in runs
    )
    row["stage s"] = f"{np.mean([r['seconds'] for r in runs]):.0f}"
    return row


def all_series(params: dict, seeds: list[int], write_docs: bool) -> int:
    """Every preset with the same default configuration; one Markdown table."""
    rows = []
    for name in ("co2", "melbourne", "sunspots", "pollution"):
        preset = dict(PRESETS[name])
        csv = preset.pop("csv") or default_csv()
        merged = deep_merge(params, preset)
        raw = pd.read_csv(csv)
        runs = []
        for seed in seeds:
            details, _report, card, seconds = run_once(raw, merged, seed)
            runs.append({"details": details, "card": card, "seconds": seconds})
        rows.append(series_row(name, runs))
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows).set_index("series").T.to_markdown() + "\n"
    print(table)
    if write_docs:
        docs = ROOT / "docs/timeseries.md"
        text = docs.read_text()
        start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
        docs.write_text(text[:start] + "\n" + table + text[end:])
    return 0


def summary(values: list[float]) -> str:
    arr = np.asarray(values, dtype=float)
    sd = arr.std(ddof=1) if arr.size > 1 else 0.0
    return f"{arr.mean():.4f} ± {sd:.4f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS))
    parser.add_argument(
        "--all",
        action="store_true",
        help="every preset (co2, melbourne, sunspots, pollution): one Markdown table",
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="with --all: put the table in docs/timeseries.md"
    )
    parser.add_argument("--csv")
    parser.add_argument("--date-columns", nargs="+")
    parser.add_argument("--target")
    parser.add_argument("--freq")
    parser.add_argument("--seasonal-period", type=int)
    parser.add_argument("--covariates", nargs="*", default=None)
    parser.add_argument("--categorical-covariates", nargs="*", default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--set", default="{}", help="JSON merged into timeseries params")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    from kedro.config import OmegaConfigLoader

    base = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base")
    params = base["parameters"]["timeseries"]
    if args.all:
        return all_series(params, args.seeds, args.write_docs)
    csv = args.csv
    if args.preset:
        preset = dict(PRESETS[args.preset])
        csv = csv or preset.pop("csv")
        params = deep_merge(params, preset)
    data = {
        "date_columns": args.date_columns,
        "target": args.target,
        "freq": args.freq,
        "covariates": args.covariates,
        "categorical_covariates": args.categorical_covariates,
    }
    params = deep_merge(params, {"data": {k: v for k, v in data.items() if v is not None}})
    if args.seasonal_period:
        params = deep_merge(params, {"baselines": {"seasonal_period": args.seasonal_period}})
    params = deep_merge(params, json.loads(args.set))
    if not csv:
        csv = default_csv()
        print(f"no CSV: running on the default series {csv}", file=sys.stderr)
    raw = pd.read_csv(csv)

    runs = []
    for seed in args.seeds:
        details, report, card, seconds = run_once(raw, params, seed)
        runs.append({"seed": seed, "details": details, "card": card, "seconds": seconds})
        scores = details["scores"]
        print(
            f"seed {seed}: "
            + ", ".join(f"{m} {scores[m]['test']['rmse']:.4f}" for m in MODELS if m in scores)
            + f" | lstm={card['candidate']} epoch {card['best_epoch']} | {seconds:.0f}s",
            flush=True,
        )

    first = runs[0]["details"]
    print(f"\nsource {csv}: {report['rows_out']} rows, freq {report['freq']}")
    print(
        f"repair: {report['missing_timestamps']} missing timestamps, "
        f"{report['target_filled']} target points filled ({report['fill_method']}), "
        f"longest gap {report['longest_target_gap']}, dropped {report['dropped_leading']} "
        f"leading / {report['dropped_trailing']} trailing"
    )
    print(f"SEQ_LEN {first['seq_len']} (ACF on train), horizon {first['horizon']}")
    if first["skipped"]:
        print(f"skipped: {first['skipped']}")
    print(f"\ntest, mean ± sd over seeds {args.seeds} (original units)")
    print(f"{'model':<16}{'RMSE':>20}{'MAE':>20}{'MAPE %':>22}")
    for model in MODELS:
        if model not in first["scores"]:
            continue
        cells = [
            summary([r["details"]["scores"][model]["test"][k] or np.nan for r in runs])
            for k in ("rmse", "mae", "mape")
        ]
        print(f"{model:<16}{cells[0]:>20}{cells[1]:>20}{cells[2]:>22}")

    def ratio(run: dict, other: str) -> float:
        scores = run["details"]["scores"]
        return scores["lstm"]["test"]["rmse"] / scores[other]["test"]["rmse"]

    ratio_p = [ratio(r, "persistence") for r in runs]
    ratio_r = [ratio(r, "ridge_ar") for r in runs]
    print(f"\nLSTM / persistence RMSE {summary(ratio_p)} (target <= 0.90)")
    print(f"LSTM / ridge AR RMSE    {summary(ratio_r)} (target <= 1.02)")
    print(f"wall time per run {summary([r['seconds'] for r in runs])} s")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
