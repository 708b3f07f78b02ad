"""Nodes of ``timeseries`` on synthetic series, and the pipeline end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from mlops_pipeline.pipelines.timeseries import create_pipeline
from mlops_pipeline.pipelines.timeseries.nodes import (
    _windows,
    choose_window,
    fit_baselines,
    scale_features,
    split_series,
)
from mlops_pipeline.timeseries.lstm import LSTMForecaster

DATA = {"target": "y", "covariates": ["x"]}


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


def test_split_node_is_chronological() -> None:
    split = split_series(series(), DATA, {"train": 0.7, "val": 0.15})
    ends = split.groupby("part", sort=False)["timestamp"].agg(["min", "max"])
    assert list(ends.index) == ["train", "val", "test"]
    assert ends.loc["train", "max"] < ends.loc["val", "min"]
    assert ends.loc["val", "max"] < ends.loc["test", "min"]
    assert split["part"].value_counts().to_dict() == {"train": 280, "val": 60, "test": 60}


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_scaler_statistics_are_those_of_the_train_part_alone(kind: str) -> None:
    split = split_series(series(), DATA, {"train": 0.7, "val": 0.15})
    _, state = scale_features(split, kind)
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
    assert scale_features(tampered, kind)[1] == state


def test_test_window_targets_never_leave_the_test_part() -> None:
    split = split_series(series(), DATA, {"train": 0.7, "val": 0.15})
    scaled, _ = scale_features(split, "minmax")
    for horizon in (1, 4):
        windows = _windows(scaled, {"seq_len": 10, "horizon": horizon})
        test_rows = np.flatnonzero(split["part"].eq("test"))
        targets = windows["test"].target_index[:, None] + np.arange(horizon)
        assert np.isin(targets, test_rows).all()
        assert windows["test"].target_index.min() == test_rows[0]  # inputs reach back into val


def test_seasonal_naive_is_skipped_with_a_reason_when_history_is_short() -> None:
    split = split_series(series(), DATA, {"train": 0.7, "val": 0.15})
    scaled, state = scale_features(split, "minmax")
    window, _, _ = choose_window(split, {"seq_len": 5})
    forecasts, _, info = fit_baselines(
        split, scaled, state, window, {"seasonal_period": 365, "ridge_alphas": [0.1]}
    )
    assert "seasonal_naive" in info["skipped"]
    assert set(forecasts["model"]) == {"persistence", "ridge_ar"}
    forecasts, _, info = fit_baselines(
        split, scaled, state, window, {"seasonal_period": 7, "ridge_alphas": [0.1]}
    )
    assert set(forecasts["model"]) == {"persistence", "seasonal_naive", "ridge_ar"}
    # Every model is scored on the same windows.
    test = forecasts[forecasts["part"].eq("test")]
    assert test.groupby("model")["timestamp"].apply(tuple).nunique() == 1


def test_pipeline_nodes_have_explicit_names() -> None:
    names = {n.name for n in create_pipeline().nodes}
    assert "timeseries_train_lstm" in names and all(n.startswith("timeseries_") for n in names)


def _write_csv(path: Path) -> None:
    hours = pd.date_range("2014-01-01", periods=600, freq="h")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "year": hours.year,
            "month": hours.month,
            "day": hours.day,
            "hour": hours.hour,
            "pm": 50 + 20 * np.sin(np.arange(600) * 2 * np.pi / 24) + rng.normal(size=600),
            "wind": rng.choice(["NW", "SE", "cv"], size=600),
            "temp": rng.normal(size=600),
        }
    )
    frame.loc[:5, "pm"] = np.nan  # leading gap: dropped
    frame.loc[100:102, "pm"] = np.nan  # interior gap: interpolated
    frame = frame.drop(index=[200, 201])  # missing timestamps
    frame.to_csv(path, index=False, na_rep="NA")


@pytest.mark.slow
def test_pipeline_end_to_end_on_a_csv_with_date_parts(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    csv = project_copy / "hourly.csv"
    _write_csv(csv)
    params = {
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
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy, env="test", runtime_params=params) as s:
        s.run(pipeline_names=["timeseries"])

    reporting = project_copy / "data/08_reporting/timeseries"
    report = json.loads((reporting / "data_report.json").read_text())
    assert report["dropped_leading"] == 6
    assert report["missing_timestamps"] == 2
    assert report["target_filled"] == 5
    metrics = json.loads((reporting / "metrics.json").read_text())
    assert set(metrics["test"]) == {"persistence", "seasonal_naive", "ridge_ar", "lstm"}
    assert metrics["test"]["seasonal_naive"]["rmse"] < metrics["test"]["persistence"]["rmse"]
    assert "seconds" not in json.dumps(metrics)
    assert "lstm_train_seconds" in json.loads((reporting / "timings.json").read_text())
    for name in ("acf.png", "forecast.png", "training_curve.png", "leaderboard.md"):
        assert (reporting / name).stat().st_size > 0
    forecast = pd.read_csv(reporting / "plots/forecast.csv")
    assert {"t", "actual", "lstm", "ridge_ar", "persistence"} <= set(forecast.columns)
    card = json.loads((project_copy / "data/06_models/timeseries/lstm/model_card.json").read_text())
    assert card["features"] == ["pm", "temp", "wind=NW", "wind=SE", "wind=cv"]
    weights = torch.load(
        project_copy / "data/06_models/timeseries/lstm/weights.pt", weights_only=True
    )
    model = LSTMForecaster(card["n_features"], **card["architecture"])
    model.load_state_dict(weights)  # the saved weights rebuild the chosen architecture
    predictions = pd.read_parquet(
        project_copy / "data/07_model_output/timeseries/predictions.parquet"
    )
    assert predictions["part"].eq("test").all()


@pytest.mark.slow
def test_pipeline_runs_on_the_embedded_default(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy, env="test") as session:
        session.run(pipeline_names=["timeseries"])
    metrics = json.loads((project_copy / "data/08_reporting/timeseries/metrics.json").read_text())
    assert metrics["data"]["target_filled"] == 59  # the co2 record's missing weeks
    assert metrics["seq_len"] == 12  # ACF of a trending series never drops: max_seq_len
    assert metrics["test"]["lstm"]["rmse"] > 0


def test_catalog_entries_have_a_layer_and_stay_in_timeseries_folders() -> None:
    import yaml

    root = Path(__file__).resolve().parents[3]
    catalog = yaml.safe_load((root / "conf/base/catalog_timeseries.yml").read_text())
    entries = {k: v for k, v in catalog.items() if not k.startswith("_")}
    pipeline_datasets = {d for n in create_pipeline().nodes for d in n.outputs}
    assert set(entries) <= pipeline_datasets
    for name, entry in entries.items():
        assert entry["metadata"]["kedro-viz"]["layer"], name
        parts = Path(entry["filepath"]).parts
        assert parts[0] == "data" and parts[2] == "timeseries", name
