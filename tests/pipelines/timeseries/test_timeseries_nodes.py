"""Nodes of ``timeseries`` on synthetic series, and the pipeline end to end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.pipeline_registry import LAYERS
from mlops_pipeline.pipelines.timeseries import create_pipeline
from mlops_pipeline.pipelines.timeseries.nodes import (
    choose_window,
    encode_features,
    fit_ridge_ar,
    fit_scaler,
    forecast_persistence,
    forecast_ridge_ar,
    forecast_seasonal_naive,
    make_part_windows,
    scale_features,
    split_series,
)
from mlops_pipeline.timeseries.lstm import LSTMForecaster

ROOT = Path(__file__).resolve().parents[3]
DATA = {"target": "y", "covariates": ["x"]}
COMPUTE = {"device": "cpu", "torch_threads": 1, "blas_threads": 1, "deterministic": True}
CHECKS = {"min_test_points": 30, "min_test_seasons": 1.0, "max_filled_share": 0.05}
BASELINES = {"seasonal_period": None, "ridge_alphas": [0.01, 1.0]}


def series(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    return pd.DataFrame(
        {
            "timestamp": pd.date_range("2000-01-01", periods=n, freq="D"),
            # A trend makes val/test values leave the training range: a leaky scaler shows.
            "y": t * 0.1 + np.sin(t / 3.0) + rng.normal(scale=0.1, size=n),
            "x": rng.normal(size=n),
        }
    )


def split_frame(data: dict = DATA) -> pd.DataFrame:
    return split_series(
        encode_features(series(), data), {"train": 0.7, "val": 0.15}, CHECKS, BASELINES
    )


def test_split_node_refuses_a_thin_test_part_unless_accepted() -> None:
    features = encode_features(series(20), DATA)
    with pytest.raises(UserInputError, match="only 3 test points"):
        split_series(features, {"train": 0.7, "val": 0.15}, CHECKS, BASELINES)
    accepted = {**CHECKS, "min_test_points": 3}
    assert (
        split_series(features, {"train": 0.7, "val": 0.15}, accepted, BASELINES)["part"]
        .eq("test")
        .sum()
        == 3
    )


def _ar30_split(n: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    y = np.zeros(n + 200)
    for t in range(30, len(y)):
        y[t] = 0.2 * y[t - 1] + 0.7 * y[t - 30] + rng.normal()
    frame = pd.DataFrame(
        {"timestamp": pd.date_range("2000-01-01", periods=n, freq="D"), "y": y[200:]}
    )
    return split_series(frame, {"train": 0.7, "val": 0.15}, CHECKS, BASELINES)


def test_window_is_the_candidate_with_the_best_validation_rmse_on_an_ar30_series() -> None:
    split = _ar30_split()
    scaler = fit_scaler(split, "minmax")
    scaled = scale_features(split, scaler)
    window = {
        "seq_len": None,
        "horizon": 1,
        "min_seq_len": 4,
        "max_seq_len": 60,
        "acf_threshold": 0.5,
        "candidates": {"acf": True, "season_fractions": [], "lags": [7, 14, 30]},
    }
    choice = choose_window(split, scaled, scaler, "y", window, BASELINES, COMPUTE)
    rmse = {name: row["val_rmse"] for name, row in choice["candidates"].items()}
    assert choice["acf_seq_len"] == 4  # the ACF rule alone would take 4 lags ...
    assert choice["seq_len"] == 30  # ... validation prefers 30
    assert min(rmse, key=rmse.get) == "lags_30"
    assert rmse["lags_30"] < 0.8 * rmse["acf"]
    # The validation RMSE is in the target's units: the ridge AR of that window scores it.
    windows = make_part_windows(scaled, "y", choice)
    ridge = fit_ridge_ar(windows, choice, scaler, BASELINES, COMPUTE)
    forecast = forecast_ridge_ar(ridge, split, windows, scaler, "y", COMPUTE)
    val = forecast[forecast["part"].eq("val")]
    val_rmse = float(np.sqrt(np.mean((val["forecast"] - val["actual"]) ** 2)))
    assert val_rmse == pytest.approx(rmse["lags_30"], abs=1e-6)
    # Test is never read: changing it changes nothing.
    tampered = split.copy()
    tampered.loc[tampered["part"].eq("test"), "y"] = 1e3
    tampered_scaled = scale_features(tampered, scaler)
    again = choose_window(tampered, tampered_scaled, scaler, "y", window, BASELINES, COMPUTE)
    assert again == choice


def test_a_fixed_seq_len_is_the_only_candidate() -> None:
    split = split_frame()
    scaler = fit_scaler(split, "minmax")
    window = {"seq_len": 9, "horizon": 1, "candidates": {"acf": True}}
    choice = choose_window(
        split, scale_features(split, scaler), scaler, "y", window, BASELINES, COMPUTE
    )
    assert choice["seq_len"] == 9 and set(choice["candidates"]) == {"fixed"}
    assert choice["reason"] == "fixed by timeseries.window.seq_len"


def test_split_node_is_chronological() -> None:
    split = split_frame()
    ends = split.groupby("part", sort=False)["timestamp"].agg(["min", "max"])
    assert list(ends.index) == ["train", "val", "test"]
    assert ends.loc["train", "max"] < ends.loc["val", "min"]
    assert ends.loc["val", "max"] < ends.loc["test", "min"]
    assert split["part"].value_counts().to_dict() == {"train": 280, "val": 60, "test": 60}


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_scaler_statistics_are_those_of_the_train_part_alone(kind: str) -> None:
    split = split_frame()
    state = fit_scaler(split, kind)
    train = split.loc[split["part"].eq("train"), ["y", "x"]]
    if kind == "minmax":
        expected_offset, expected_scale = train.min(), train.max() - train.min()
    else:
        expected_offset, expected_scale = train.mean(), train.std(ddof=0)
    np.testing.assert_allclose(state["offset"], expected_offset)
    np.testing.assert_allclose(state["scale"], expected_scale)
    # Changing val/test values leaves the scaler untouched.
    tampered = split.copy()
    tampered.loc[tampered["part"].ne("train"), "y"] = 1e6
    assert fit_scaler(tampered, kind) == state


def test_test_window_targets_never_leave_the_test_part() -> None:
    split = split_frame()
    scaled = scale_features(split, fit_scaler(split, "minmax"))
    for horizon in (1, 4):
        windows = make_part_windows(scaled, "y", {"seq_len": 10, "horizon": horizon})
        test_rows = np.flatnonzero(split["part"].eq("test"))
        targets = windows["test"].target_index[:, None] + np.arange(horizon)
        assert np.isin(targets, test_rows).all()
        assert windows["test"].target_index.min() == test_rows[0]  # inputs reach back into val


def test_target_is_found_by_name_not_position() -> None:
    # the covariate first: a position-based lookup would forecast `x`
    split = split_frame().loc[:, ["timestamp", "part", "x", "y"]]
    scaler = fit_scaler(split, "minmax")
    windows = make_part_windows(scale_features(split, scaler), "y", {"seq_len": 5, "horizon": 1})
    assert windows["train"].target_col == 1
    persistence = forecast_persistence(split, windows, "y")
    test = persistence[persistence["part"].eq("test")]
    y_test = split.loc[split["part"].eq("test"), "y"].to_numpy()
    np.testing.assert_allclose(test["actual"], y_test)
    np.testing.assert_allclose(test["forecast"].to_numpy()[1:], y_test[:-1])  # y[t-1]
    ridge = fit_ridge_ar(windows, {"seq_len": 5}, scaler, {"ridge_alphas": [0.1]}, COMPUTE)
    forecast = forecast_ridge_ar(ridge, split, windows, scaler, "y", COMPUTE)
    assert np.abs(forecast["forecast"] - forecast["actual"]).mean() < 1.0  # in y's units


def test_seasonal_naive_is_skipped_with_a_reason_when_history_is_short() -> None:
    split = split_frame()
    scaler = fit_scaler(split, "minmax")
    scaled = scale_features(split, scaler)
    window = choose_window(split, scaled, scaler, "y", {"seq_len": 5}, BASELINES, COMPUTE)
    windows = make_part_windows(scaled, "y", window)
    forecasts, status = forecast_seasonal_naive(split, windows, "y", {"seasonal_period": 365})
    assert status["skipped"].startswith("history")
    assert forecasts.empty
    forecasts, status = forecast_seasonal_naive(split, windows, "y", {"seasonal_period": 7})
    assert status["skipped"] is None
    # Every model is scored on the same windows.
    ridge = fit_ridge_ar(windows, window, scaler, {"ridge_alphas": [0.1]}, COMPUTE)
    frames = [
        forecasts,
        forecast_persistence(split, windows, "y"),
        forecast_ridge_ar(ridge, split, windows, scaler, "y", COMPUTE),
    ]
    stamps = {tuple(f.loc[f["part"].eq("test"), "timestamp"]) for f in frames}
    assert len(stamps) == 1


def test_pipeline_nodes_are_named_per_step_and_tagged() -> None:
    pipeline = create_pipeline()
    names = {n.name.removeprefix("timeseries.") for n in pipeline.nodes}
    assert {n.namespace for n in pipeline.nodes} == {"timeseries"}
    assert {
        "timeseries_train_lstm_candidates",
        "timeseries_select_lstm",
        "timeseries_fit_ridge_ar",
        "timeseries_headline_metrics",
    } <= names
    assert all(n.startswith("timeseries_") for n in names)
    assert all("timeseries" in n.tags for n in pipeline.nodes)
    assert "ts_raw" in pipeline.inputs()  # the series arrives through the catalog


def _catalog() -> dict:
    catalog = yaml.safe_load((ROOT / "conf/base/catalog_timeseries.yml").read_text())
    return {k: v for k, v in catalog.items() if not k.startswith("_")}


def test_catalog_entries_have_a_layer_and_stay_in_timeseries_folders() -> None:
    entries = _catalog()
    pipeline = create_pipeline()
    # timeseries_node_timings comes from the {pipeline}_node_timings factory (catalog_common.yml)
    assert set(entries) == pipeline.all_outputs() | {"ts_raw"}
    for name, entry in entries.items():
        layer = entry["metadata"]["kedro-viz"]["layer"]
        assert layer in LAYERS, name
        if entry["type"] == "MemoryDataset" or name == "ts_raw":
            continue
        parts = Path(entry["filepath"]).parts
        assert parts[0] in {"data", "${globals:data_root}"} and parts[2] == "timeseries", name
        assert parts[1][3:] == layer, name  # 04_feature holds layer feature, ...


def _write_hourly_csv(path: Path, n: int = 600) -> None:
    hours = pd.date_range("2014-01-01", periods=n, freq="h")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "year": hours.year,
            "month": hours.month,
            "day": hours.day,
            "hour": hours.hour,
            "pm": 50 + 20 * np.sin(np.arange(n) * 2 * np.pi / 24) + rng.normal(size=n),
            "wind": rng.choice(["NW", "SE", "cv"], size=n),
            "temp": rng.normal(size=n),
        }
    )
    frame.loc[:5, "pm"] = np.nan  # leading gap: dropped
    frame.loc[100:102, "pm"] = np.nan  # interior gap: interpolated
    frame = frame.drop(index=[200, 201])  # missing timestamps
    frame.to_csv(path, index=False, na_rep="NA")


def _hourly_params(csv: Path) -> dict:
    return {
        "timeseries": {
            "data": {
                "filepath": str(csv),
                "date_columns": "year+month+day+hour",
                "target": "pm",
                "covariates": "temp",
                "categorical_covariates": "wind",
                "freq": "h",
            },
            "baselines": {"seasonal_period": 24},
        }
    }


def _run(project: Path, params: dict | None = None) -> None:
    bootstrap_project(project)
    with KedroSession.create(project_path=project, env="test", runtime_params=params) as session:
        session.run(pipeline_names=["timeseries"])


def _out(project: Path) -> Path:
    """Where a ``--env test`` run writes: the test environment's data root, else ``data``."""
    test_globals = project / "conf/test/globals.yml"
    root = "data"
    if test_globals.exists():
        root = (yaml.safe_load(test_globals.read_text()) or {}).get("data_root", root)
    return project / root


def _daily_params(csv: Path, **data: str) -> dict:
    return {
        "timeseries": {
            "data": {"filepath": str(csv), "date_columns": "Date", "target": "y", **data},
            "baselines": {"seasonal_period": 7},
        }
    }


def _write_daily_csv(path: Path, n: int) -> None:
    t = np.arange(n)
    values = 10 + np.sin(t * 2 * np.pi / 7) + np.random.default_rng(0).normal(size=n)
    dates = pd.date_range("2020-01-01", periods=n, freq="D").strftime("%Y-%m-%d")
    pd.DataFrame({"Date": dates, "y": values}).to_csv(path, index=False)


@pytest.mark.slow
def test_a_20_row_series_is_refused_then_accepted_with_the_override(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    csv = project_copy / "short.csv"
    _write_daily_csv(csv, 20)
    params = _daily_params(csv, freq="D")
    with pytest.raises(UserInputError) as error:
        _run(project_copy, params)
    message = str(error.value)
    assert "\n" not in message
    assert "only 3 test points" in message and "below the 30 required" in message
    # one season (7 rows) is more than 3 points too: the suggested override says so
    accept = "timeseries.checks.min_test_points=3,timeseries.checks.min_test_seasons=0"
    assert f'--params "{accept}"' in message
    assert not (_out(project_copy) / "08_reporting/timeseries/metrics.json").exists()

    params["timeseries"]["checks"] = {"min_test_points": 3, "min_test_seasons": 0}  # `accept`
    _run(project_copy, params)
    metrics = json.loads((_out(project_copy) / "08_reporting/timeseries/metrics.json").read_text())
    assert metrics["test_rmse"]["persistence"] > 0


@pytest.mark.slow
def test_a_daily_series_run_hourly_is_refused_as_mostly_filled(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    csv = project_copy / "daily.csv"
    _write_daily_csv(csv, 120)
    with pytest.raises(UserInputError) as error:
        _run(project_copy, _daily_params(csv, freq="h"))
    message = str(error.value)
    assert message.startswith(f"{csv}: 95.8% of column 'y' is filled in")
    assert "timeseries.checks.max_filled_share=0.05" in message
    assert "timeseries.data.freq" in message


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "expected"),
    [("", "the file is empty"), ("Date,y\n", "a header (Date, y) but no data rows")],
)
def test_an_empty_or_header_only_csv_fails_in_one_line_naming_the_file(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str
) -> None:
    monkeypatch.chdir(project_copy)
    csv = project_copy / "bad.csv"
    csv.write_text(content)
    with pytest.raises(UserInputError) as error:  # through the catalog, unwrapped
        _run(project_copy, _daily_params(csv, freq="D"))
    assert str(error.value).startswith(f"{csv}: {expected}")
    assert "\n" not in str(error.value)


@pytest.mark.slow
def test_pipeline_end_to_end_on_a_csv_with_date_parts(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    csv = project_copy / "hourly.csv"
    _write_hourly_csv(csv)
    _run(project_copy, _hourly_params(csv))

    reporting = _out(project_copy) / "08_reporting/timeseries"
    report = json.loads((reporting / "data_report.json").read_text())
    assert report["dropped_leading"] == 6
    assert report["missing_timestamps"] == 2
    assert report["target_filled"] == 5
    metrics = json.loads((reporting / "metrics.json").read_text())
    assert set(metrics) == {
        "test_rmse",
        "lstm_vs_persistence",
        "lstm_vs_ridge_ar",
        "lstm_vs_best_anchor",
        "lstm_interval_coverage",
    }
    assert set(metrics["test_rmse"]) == {
        "persistence",
        "seasonal_naive",
        "ridge_ar",
        "ets",
        "sarima",
        "lstm",
    }
    assert metrics["test_rmse"]["seasonal_naive"] < metrics["test_rmse"]["persistence"]
    details = json.loads((reporting / "details.json").read_text())
    assert details["scores"]["lstm"]["test"]["rmse"] == metrics["test_rmse"]["lstm"]
    assert "seconds" not in json.dumps(metrics) + json.dumps(details)
    timings = json.loads((reporting / "node_timings.json").read_text())
    assert "timeseries.timeseries_train_lstm_candidates" in timings["nodes"]
    for name in ("acf.png", "forecast.png", "training_curve.png", "leaderboard.md"):
        assert (reporting / name).stat().st_size > 0
    forecast = pd.read_csv(reporting / "plots/forecast.csv")
    assert {"t", "actual", "lstm", "ridge_ar", "persistence", "ets", "sarima"} <= set(
        forecast.columns
    )
    assert (forecast["lstm_lower"] <= forecast["lstm"]).all()  # the interval, in the plot
    assert set(details["backtest"]["lstm"]) >= {"rmse_mean", "rmse_sd", "rmse_by_fold"}
    assert 0 <= details["intervals"]["lstm"]["test_coverage"] <= 1
    card = json.loads(
        (_out(project_copy) / "06_models/timeseries/lstm/model_card.json").read_text()
    )
    assert card["features"] == ["pm", "temp", "wind=NW", "wind=SE", "wind=cv"]
    weights = torch.load(
        _out(project_copy) / "06_models/timeseries/lstm/weights.pt", weights_only=True
    )
    model = LSTMForecaster(card["n_features"], **card["architecture"])
    model.load_state_dict(weights)  # the saved weights rebuild the chosen architecture
    predictions = pd.read_parquet(
        _out(project_copy) / "07_model_output/timeseries/predictions.parquet"
    )
    assert predictions["part"].eq("test").all()


@pytest.mark.slow
def test_pipeline_runs_on_the_default_co2_csv(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    _run(project_copy)  # ts_raw = data/01_raw/timeseries/co2.csv, written like `make data`
    reporting = _out(project_copy) / "08_reporting/timeseries"
    details = json.loads((reporting / "details.json").read_text())
    assert details["data"]["target_filled"] == 59  # the co2 record's missing weeks
    candidates = details["window_candidates"]
    assert candidates["acf"]["seq_len"] == 12  # a trend's ACF never drops: max_seq_len (12)
    best = min(candidates.values(), key=lambda row: (row["val_rmse"], row["seq_len"]))
    assert details["seq_len"] == best["seq_len"]  # chosen on validation
    assert "window_candidates" not in json.loads((reporting / "metrics.json").read_text())
    assert json.loads((reporting / "metrics.json").read_text())["test_rmse"]["lstm"] > 0


def _outputs(project: Path) -> dict[str, str]:
    """sha256 of every file the stage writes, except the per-run ones (wall times, the card's
    run_info.json): the card itself must be the same bytes on every run."""
    hashes = {}
    root = _out(project)
    for path in sorted(root.glob("0[2-8]_*/timeseries/**/*")):
        if not path.is_file() or path.name in ("node_timings.json", "run_info.json"):
            continue
        hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


@pytest.mark.slow
def test_two_runs_give_byte_identical_outputs_and_metrics(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    csv = project_copy / "hourly.csv"
    _write_hourly_csv(csv, n=400)
    params = _hourly_params(csv)
    _run(project_copy, params)
    first = _outputs(project_copy)
    assert "08_reporting/timeseries/metrics.json" in first
    assert "06_models/timeseries/lstm/weights.pt" in first
    assert "07_model_output/timeseries/predictions.parquet" in first
    _run(project_copy, params)
    assert _outputs(project_copy) == first


def test_headline_ratios_are_null_when_a_baseline_is_exact() -> None:
    from mlops_pipeline.pipelines.timeseries.nodes import timeseries_metrics

    scores = {
        "persistence": {"test": {"rmse": 0.5}},
        "seasonal_naive": {"test": {"rmse": 1.0}},
        "ridge_ar": {"test": {"rmse": 0.0}},  # e.g. a pure sine is exactly AR(2)
        "lstm": {"test": {"rmse": 0.25}},
    }
    metrics = timeseries_metrics(scores, {"lstm": {"test_coverage": 0.9}})
    assert metrics["lstm_vs_persistence"] == 0.5 and metrics["lstm_vs_ridge_ar"] is None
    assert metrics["lstm_vs_best_anchor"] is None
