"""Schema of ``conf/base/parameters_timeseries.yml`` (the ``timeseries:`` key).

Unknown keys, wrong types and out-of-range values are refused at pipeline start; the field
descriptions are the configuration reference. Column lists and number lists may be written as
one ``+``-separated string, the spelling ``kedro run --params`` allows (it splits on commas):
``timeseries.data.date_columns=year+month+day+hour``, ``timeseries.window.candidates.lags=7+30``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from mlops_pipeline.params import StrictModel

Names = list[str] | str
PositiveInt = Annotated[int, Field(ge=1)]
PositiveFloat = Annotated[float, Field(gt=0)]


class Data(StrictModel):
    """The series: which CSV columns hold the date, the target and the covariates."""

    filepath: str | None = Field(
        None,
        description="CSV read instead of the catalog's `ts_raw` for one run (usually given as "
        "--params timeseries.data.filepath=...; the DVC stage's file is set in globals.yml)",
    )
    date_columns: Names = Field(
        description="one date column, or its parts in the order year, month, day, hour[, minute, "
        "second] (`year+month+day+hour` on the command line)",
    )
    date_format: str | None = Field(
        description="strftime format of a single date column; null lets pandas infer it"
    )
    target: str = Field(description="the column forecast")
    covariates: Names = Field(
        default_factory=list, description="numeric input columns besides the target's own past"
    )
    categorical_covariates: Names = Field(
        default_factory=list, description="input columns one-hot encoded (e.g. wind direction)"
    )
    freq: str | None = Field(
        description="pandas offset alias of the time grid (D, h, W-SAT, MS); null infers it "
        "from the dates"
    )
    duplicates: Literal["error", "mean", "first", "last"] = Field(
        description="duplicated timestamps: an error naming them, or aggregated"
    )
    fill_method: Literal["interpolate", "ffill"] = Field(
        description="how interior gaps are filled (time-weighted interpolation or forward fill); "
        "leading/trailing target gaps are dropped"
    )


class Split(StrictModel):
    """Chronological shares (test is the rest); never shuffled."""

    train: float = Field(gt=0, lt=1, description="share of the rows, first in time, for training")
    val: float = Field(gt=0, lt=1, description="share of the rows after train, for validation")

    @model_validator(mode="after")
    def _leaves_a_test_part(self) -> Split:
        if self.train + self.val >= 1:
            raise ValueError(
                f"train + val must be below 1 (test is the rest), got {self.train} + {self.val}"
            )
        return self


class Checks(StrictModel):
    """Data too thin to trust: below/above these limits the run stops, saying what it found."""

    min_test_points: PositiveInt = Field(
        description="fewest test points (rows of the test part) on which models are ranked"
    )
    min_test_seasons: float = Field(
        ge=0,
        description="fewest seasons (baselines.seasonal_period rows) in the test part, when that "
        "is more than min_test_points; 0 turns the seasonal term off",
    )
    max_filled_share: float = Field(
        ge=0,
        le=1,
        description="largest share of any column (target or covariate) that may be filled in "
        "(gaps, missing timestamps, re-gridding to freq)",
    )


class WindowCandidates(StrictModel):
    """Window lengths tried; the one with the lowest ridge AR validation RMSE is kept."""

    acf: bool = Field(description="the ACF rule (first lag with ACF < acf_threshold) is one")
    season_fractions: list[PositiveFloat] = Field(
        default_factory=list,
        description="fractions f of baselines.seasonal_period: candidates `season_<f>`",
    )
    lags: list[PositiveInt] = Field(
        default_factory=list, description="fixed lengths: candidates `lags_<n>`"
    )

    @field_validator("season_fractions", "lags", mode="before")
    @classmethod
    def _split_command_line_list(cls, value: Any) -> Any:
        """``7+14+30`` (``--params`` spelling) or one number stands for a list."""
        if isinstance(value, str):
            return [part for part in re.split(r"[+|\s]+", value.strip()) if part]
        if isinstance(value, int | float):
            return [value]
        return value


class Window(StrictModel):
    """The input window (``SEQ_LEN`` rows) every model forecasts from."""

    seq_len: PositiveInt | None = Field(
        description="a fixed window length (the only candidate); null chooses among candidates"
    )
    horizon: PositiveInt = Field(description="steps ahead predicted from each window")
    min_seq_len: PositiveInt = Field(description="lower bound of every candidate")
    max_seq_len: PositiveInt = Field(
        description="upper bound of every candidate (also at most half the training rows)"
    )
    acf_threshold: float = Field(
        gt=0, lt=1, description="the ACF rule: first lag whose train-part ACF drops below this"
    )
    candidates: WindowCandidates = Field(description="the lengths tried on validation")

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Window:
        if self.min_seq_len > self.max_seq_len:
            raise ValueError(
                f"min_seq_len ({self.min_seq_len}) must not exceed max_seq_len ({self.max_seq_len})"
            )
        return self


class Baselines(StrictModel):
    """Naive baselines and the ridge autoregression."""

    seasonal_period: PositiveInt | None = Field(
        description="rows per season (52 weekly, 365 daily, 24 hourly); null skips the seasonal "
        "naive model"
    )
    ridge_alphas: list[Annotated[float, Field(ge=0)]] = Field(
        min_length=1, description="ridge penalties tried; the best on validation is kept"
    )


class Sarima(StrictModel):
    """The seasonal ARIMA anchor: ARIMA(p, d, q) plus the season."""

    orders: list[
        Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)]
    ] = Field(
        default_factory=lambda: [[1, 1], [2, 1]],
        min_length=1,
        description="(p, q) pairs tried (d from an ADF test on train); the lowest validation "
        "RMSE is kept",
    )
    native_max_period: PositiveInt = Field(
        12,
        description="seasons up to this many rows get a native seasonal (1, 0, 1) part; longer "
        "ones enter as Fourier terms (a native seasonal state that long is too slow)",
    )
    fourier_pairs: Annotated[int, Field(ge=0)] = Field(
        3, description="sine/cosine pairs of a long season used as regressors"
    )
    maxiter: PositiveInt = Field(50, description="likelihood optimiser iterations per fit")


class Statistical(StrictModel):
    """Statistical anchors from statsmodels: Holt-Winters and seasonal ARIMA."""

    sarima: Sarima = Field(default_factory=Sarima, description="the seasonal ARIMA anchor")


class Compute(StrictModel):
    """Where and how the models compute (fixed, so results repeat)."""

    device: Literal["cpu", "cuda", "auto"] = Field(
        description="LSTM device: cpu, cuda (mixed precision) or auto (cuda when present)"
    )
    torch_threads: PositiveInt = Field(description="LSTM intra-op threads")
    blas_threads: PositiveInt = Field(description="BLAS/OpenMP threads of the ridge fits")
    deterministic: bool = Field(description="torch deterministic algorithms (matters on a GPU)")


class LSTMOverrides(StrictModel):
    """One architecture tried: each setting given here overrides the shared one."""

    hidden_size: PositiveInt | None = Field(None, description="LSTM units")
    num_layers: PositiveInt | None = Field(None, description="stacked LSTM layers")
    dropout: float | None = Field(None, ge=0, lt=1, description="dropout between layers")
    residual: bool | None = Field(None, description="predict the change from the last value")
    normalise: Literal["none", "last", "mean"] | None = Field(
        None, description="shift each window by its last value or mean (RevIN-style)"
    )
    highway: bool | None = Field(None, description="linear autoregressive highway (LSTNet)")
    lr: PositiveFloat | None = Field(None, description="Adam learning rate")
    weight_decay: float | None = Field(None, ge=0, description="Adam weight decay")
    batch_size: PositiveInt | None = Field(None, description="training windows per batch")
    max_epochs: PositiveInt | None = Field(None, description="most training epochs")
    patience: PositiveInt | None = Field(None, description="epochs without improvement")
    min_delta: float | None = Field(None, ge=0, description="smallest improvement that counts")
    clip_norm: PositiveFloat | None = Field(None, description="gradient clipping (max L2 norm)")
    shuffle_windows: bool | None = Field(None, description="shuffle windows within an epoch")


class LSTM(StrictModel):
    """The PyTorch LSTM: shared settings and the architectures tried on validation."""

    hidden_size: PositiveInt = Field(description="LSTM units")
    num_layers: PositiveInt = Field(description="stacked LSTM layers")
    dropout: float = Field(ge=0, lt=1, description="dropout between layers (num_layers > 1)")
    residual: bool = Field(description="predict the change from the last observed value")
    normalise: Literal["none", "last", "mean"] = Field(
        "none",
        description="per-window normalisation: each window shifted by its own last value or "
        "mean, feature by feature, the target's shift added back (RevIN-style; handles a level "
        "or trend outside the training range)",
    )
    highway: bool = Field(
        False,
        description="add a linear map of the window's target values, trained jointly with the "
        "LSTM (LSTNet's autoregressive highway; one network, not the ridge)",
    )
    lr: PositiveFloat = Field(description="Adam learning rate")
    weight_decay: float = Field(ge=0, description="Adam weight decay")
    batch_size: PositiveInt = Field(description="training windows per batch")
    max_epochs: PositiveInt = Field(description="most training epochs")
    patience: PositiveInt = Field(
        description="epochs without validation improvement before stopping (best restored)"
    )
    min_delta: float = Field(ge=0, description="smallest validation improvement that counts")
    clip_norm: PositiveFloat = Field(description="gradient clipping (max L2 norm)")
    shuffle_windows: bool = Field(
        description="shuffle the order of training windows within an epoch (the split stays "
        "chronological)"
    )
    candidates: dict[str, LSTMOverrides | None] = Field(
        default_factory=dict,
        description="architectures tried (each overrides the shared settings); the lowest "
        "validation RMSE is kept and is the only one scored on test",
    )


class Report(StrictModel):
    """Reports."""

    mape_epsilon: float = Field(
        ge=0, description="actuals with |y| <= epsilon are left out of MAPE (and counted)"
    )
    plot_points: PositiveInt = Field(description="last N test points in the forecast plot data")
    interval_coverage: float = Field(
        0.9,
        gt=0,
        lt=1,
        description="nominal coverage of the split-conformal prediction intervals (widths from "
        "the validation residuals; coverage measured on test)",
    )
    backtest_folds: PositiveInt = Field(
        5, description="rolling-origin folds over the test period (parameters fitted on train)"
    )


class Parameters(StrictModel):
    """``timeseries:`` in ``conf/base/parameters_timeseries.yml``."""

    data: Data = Field(description="the series and its columns")
    split: Split = Field(description="chronological train / val shares")
    scaler: Literal["minmax", "standard"] = Field(
        description="per-column scaling, fit on the train part only"
    )
    checks: Checks = Field(description="limits below/above which the data is refused")
    window: Window = Field(description="the input window and how its length is chosen")
    baselines: Baselines = Field(description="naive baselines and the ridge AR")
    statistical: Statistical = Field(
        default_factory=Statistical, description="Holt-Winters and seasonal ARIMA anchors"
    )
    compute: Compute = Field(description="device and thread counts")
    lstm: LSTM = Field(description="the LSTM forecaster")
    report: Report = Field(description="report settings")
