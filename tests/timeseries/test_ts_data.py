"""Loading, validation and repair of a dated series (synthetic data only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.fetch_data import export_co2
from mlops_pipeline.timeseries.data import (
    as_names,
    check_filled_share,
    encode_features,
    validate_and_repair,
)
from mlops_pipeline.timeseries.source import SeriesCSVDataset

DAILY = {"date_columns": ["Date"], "target": "y", "freq": "D"}


def daily(n: int = 10, start: str = "2020-01-01") -> pd.DataFrame:
    dates = pd.date_range(start, periods=n, freq="D")
    return pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "y": np.arange(n, dtype=float)})


def test_shuffled_input_is_resorted() -> None:
    raw = daily(30).sample(frac=1.0, random_state=0).reset_index(drop=True)
    series, report = validate_and_repair(raw, DAILY)
    assert series["timestamp"].is_monotonic_increasing
    np.testing.assert_array_equal(series["y"], np.arange(30.0))
    assert report["was_sorted"] is False


def test_duplicated_date_raises_naming_it() -> None:
    raw = pd.concat([daily(5), daily(5).iloc[[2]]], ignore_index=True)
    with pytest.raises(UserInputError, match=r"duplicated timestamp.*2020-01-03"):
        validate_and_repair(raw, DAILY)


def test_duplicated_dates_can_be_aggregated() -> None:
    extra = pd.DataFrame({"Date": ["2020-01-03"], "y": [4.0]})
    series, report = validate_and_repair(
        pd.concat([daily(5), extra], ignore_index=True), {**DAILY, "duplicates": "mean"}
    )
    assert report["duplicates"] == 1
    assert len(series) == 5
    assert series.loc[2, "y"] == pytest.approx(3.0)  # mean of 2.0 and 4.0


def test_gaps_are_filled_and_counted() -> None:
    raw = daily(20)
    raw.loc[[5, 6], "y"] = np.nan  # values missing
    raw = raw.drop(index=[10, 11, 12])  # timestamps missing
    series, report = validate_and_repair(raw, DAILY)
    assert len(series) == 20
    assert report["missing_timestamps"] == 3
    assert report["target_filled"] == 5
    assert report["longest_target_gap"] == 3
    # Time interpolation of a straight line restores it exactly.
    np.testing.assert_allclose(series["y"], np.arange(20.0))


def test_forward_fill_option() -> None:
    raw = daily(6)
    raw.loc[[2, 3], "y"] = np.nan
    series, report = validate_and_repair(raw, {**DAILY, "fill_method": "ffill"})
    assert report["target_filled"] == 2
    np.testing.assert_array_equal(series["y"], [0, 1, 1, 1, 4, 5])


def test_leading_and_trailing_gaps_are_dropped_and_counted() -> None:
    raw = daily(20)
    raw.loc[[0, 1, 2, 19], "y"] = np.nan
    raw.loc[8, "y"] = np.nan
    series, report = validate_and_repair(raw, DAILY)
    assert report["dropped_leading"] == 3
    assert report["dropped_trailing"] == 1
    assert report["target_filled"] == 1
    assert series["timestamp"].iloc[0] == pd.Timestamp("2020-01-04")
    assert len(series) == 16


def test_non_numeric_value_names_the_row() -> None:
    raw = daily(6)
    raw["y"] = raw["y"].astype(object)
    raw.loc[4, "y"] = "n/a?"
    with pytest.raises(UserInputError, match=r"'n/a\?' at row 4 \(line 6 of the file\)"):
        validate_and_repair(raw, DAILY)


def test_date_parts_and_categorical_covariate() -> None:
    hours = pd.date_range("2014-01-01", periods=48, freq="h")
    raw = pd.DataFrame(
        {
            "year": hours.year,
            "month": hours.month,
            "day": hours.day,
            "hour": hours.hour,
            "pm": np.linspace(1, 2, 48),
            "wind": np.where(np.arange(48) % 3 == 0, "NW", "SE"),
        }
    )
    raw.loc[:1, "pm"] = np.nan  # leading NA, as in the Beijing data
    data = {
        "date_columns": "year+month+day+hour",
        "target": "pm",
        "categorical_covariates": "wind",
    }
    series, report = validate_and_repair(raw, data)
    assert report["freq"] == "h"
    assert report["dropped_leading"] == 2
    features = encode_features(series, data)
    assert list(features.columns) == ["timestamp", "pm", "wind=NW", "wind=SE"]
    assert features[["wind=NW", "wind=SE"]].sum(axis=1).eq(1).all()


def test_as_names_accepts_command_line_spelling() -> None:
    assert as_names("year+month+day+hour") == ["year", "month", "day", "hour"]
    assert as_names(["Date"]) == ["Date"] == as_names("Date")
    assert as_names(None) == []


def test_default_co2_series_repairs_offline(tmp_path) -> None:
    csv = export_co2(tmp_path / "co2.csv")  # what `make data` writes for the catalog's ts_raw
    raw = pd.read_csv(csv)
    assert list(raw.columns) == ["date", "co2"]
    assert len(raw) == 2284
    series, report = validate_and_repair(raw, {"date_columns": ["date"], "target": "co2"})
    assert report["freq"] == "W-SAT"
    assert report["target_filled"] == 59
    assert series["co2"].notna().all()


# --- bad CSVs: one-line UserInputErrors naming the file and the fix ------------------------


def _load(path) -> pd.DataFrame:
    """The CSV through the catalog's dataset type of ``ts_raw``."""
    return SeriesCSVDataset(filepath=str(path)).load()


def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_empty_file_names_the_file(tmp_path) -> None:
    csv = tmp_path / "empty.csv"
    csv.write_text("")
    with pytest.raises(UserInputError) as error:
        validate_and_repair(_load(csv), DAILY)
    message = _one_line(error)
    assert message.startswith(f"{csv}: the file is empty (no header, no rows)")
    assert "timeseries.data.filepath" in message


def test_header_only_csv_names_the_file_and_its_columns(tmp_path) -> None:
    csv = tmp_path / "header.csv"
    csv.write_text("Date,y\n")
    with pytest.raises(UserInputError) as error:
        validate_and_repair(_load(csv), DAILY)
    message = _one_line(error)
    assert message.startswith(f"{csv}: a header (Date, y) but no data rows")
    with pytest.raises(UserInputError, match="the series: a header"):  # the same from memory
        validate_and_repair(pd.DataFrame(columns=["Date", "y"]), DAILY)


def test_missing_file_names_it(tmp_path) -> None:
    with pytest.raises(UserInputError, match=r"nope\.csv: no such file"):
        _load(tmp_path / "nope.csv")


def test_infinite_value_names_the_file_column_and_row(tmp_path) -> None:
    csv = tmp_path / "inf.csv"
    raw = daily(8)
    raw.loc[5, "y"] = np.inf
    raw.to_csv(csv, index=False)
    assert "inf" in csv.read_text()
    with pytest.raises(UserInputError) as error:
        validate_and_repair(_load(csv), DAILY)
    message = _one_line(error)
    assert str(csv) in message
    assert "column 'y'" in message and "infinite" in message
    assert "row 5 (line 7 of the file)" in message


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({**DAILY, "target": "Temp"}, "timeseries.data.target"),
        ({**DAILY, "date_columns": ["Day"]}, "timeseries.data.date_columns"),
        ({**DAILY, "covariates": "x+z"}, "timeseries.data.covariates"),
    ],
)
def test_missing_column_lists_the_columns_found(tmp_path, data: dict, key: str) -> None:
    csv = tmp_path / "series.csv"
    daily(8).to_csv(csv, index=False)
    with pytest.raises(UserInputError) as error:
        validate_and_repair(_load(csv), data)
    message = _one_line(error)
    assert str(csv) in message and "['Date', 'y']" in message and key in message


def test_unparseable_date_names_the_row() -> None:
    raw = daily(6)
    raw.loc[3, "Date"] = "2020-13-45"
    with pytest.raises(UserInputError, match=r"'2020-13-45', not a date at row 3"):
        validate_and_repair(raw, DAILY)


def test_unknown_frequency_names_the_parameter() -> None:
    with pytest.raises(UserInputError, match=r"timeseries.data.freq 'hourly'"):
        validate_and_repair(daily(6), {**DAILY, "freq": "hourly"})


# --- data too thin to trust: mostly filled-in values --------------------------------------


def test_daily_series_regridded_hourly_is_refused_as_mostly_filled() -> None:
    series, report = validate_and_repair(daily(60), {**DAILY, "freq": "h"})
    assert report["filled_share"]["y"] > 0.9  # 23 of every 24 hours invented
    with pytest.raises(UserInputError) as error:
        check_filled_share(report, 0.05, "daily.csv")
    message = _one_line(error)
    assert message.startswith("daily.csv: 95.8% of column 'y' is filled in")
    assert "timeseries.checks.max_filled_share=0.05" in message
    assert "--params timeseries.checks.max_filled_share=0.96" in message
    check_filled_share(report, 0.96, "daily.csv")  # accepted knowingly


def test_a_few_gaps_pass_the_filled_share_check() -> None:
    raw = daily(100)
    raw.loc[[10, 50], "y"] = np.nan
    _, report = validate_and_repair(raw, DAILY)
    assert report["filled_share"]["y"] == 0.02
    check_filled_share(report, 0.05)
