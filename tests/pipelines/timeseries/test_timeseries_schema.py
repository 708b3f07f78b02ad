"""The parameters schema of ``timeseries``: the shipped files validate, mistakes are refused."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from mlops_pipeline.pipelines.timeseries.schema import Parameters

ROOT = Path(__file__).resolve().parents[3]


def _params(env: str) -> dict:
    return yaml.safe_load((ROOT / f"conf/{env}/parameters_timeseries.yml").read_text())[
        "timeseries"
    ]


@pytest.mark.parametrize("env", ["base", "test"])
def test_shipped_parameters_validate(env: str) -> None:
    params = Parameters.model_validate(_params(env))
    assert params.checks.max_filled_share == 0.05
    assert params.window.candidates.acf is True


def test_every_field_is_documented() -> None:
    def walk(model: type) -> None:
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                walk(annotation)

    walk(Parameters)


def _invalid(change) -> str:
    params = copy.deepcopy(_params("base"))
    change(params)
    with pytest.raises(ValidationError) as error:
        Parameters.model_validate(params)
    return str(error.value)


def test_a_misspelled_key_is_refused_naming_it() -> None:
    message = _invalid(lambda p: p["baselines"].update(seasonal_perod=7))
    assert "baselines.seasonal_perod" in message and "Extra inputs" in message


def test_wrong_values_are_refused_naming_the_key_and_allowed_values() -> None:
    assert "'interpolate' or 'ffill'" in _invalid(lambda p: p["data"].update(fill_method="mean"))
    assert "checks.max_filled_share" in _invalid(lambda p: p["checks"].update(max_filled_share=2))
    assert "train + val must be below 1" in _invalid(lambda p: p["split"].update(val=0.5))
    assert "compute.device" in _invalid(lambda p: p["compute"].update(device="gpu"))
    assert "lstm.candidates.x.hiden_size" in _invalid(
        lambda p: p["lstm"]["candidates"].update(x={"hiden_size": 8})
    )


def test_command_line_spellings_are_accepted() -> None:
    params = _params("base")
    params["data"].update(filepath="x.csv", date_columns="year+month+day+hour", covariates="a+b")
    params["window"]["candidates"].update(lags="7+30", season_fractions=0.5)
    window = Parameters.model_validate(params).window
    assert window.candidates.lags == [7, 30] and window.candidates.season_fractions == [0.5]
