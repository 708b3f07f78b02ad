"""Defect 1 of issue 22: an unreachable registry is an error naming its URI, never "no champion".

Before: ``Registry.alias`` swallowed every exception, so ``score`` with
``MLFLOW_TRACKING_URI=http://127.0.0.1:9`` silently fell back to ``select_champion`` and served
another model (exit 0).
"""

from __future__ import annotations

import pytest
from registry_fixtures import PROJECT_ROOT, fresh_registry, one_line_error

from mlops_pipeline.registry import CHAMPION, Registry, RegistryError
from mlops_pipeline.registry.__main__ import main as cli_main
from mlops_pipeline.registry.serving import registry_champion
from mlops_pipeline.tracking.config import load_tracking_config

DOWN = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def unreachable(monkeypatch):
    """A configured store that refuses connections, with MLflow's HTTP retries off (fast)."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", DOWN)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    return load_tracking_config(PROJECT_ROOT, "test")


def test_alias_of_an_unreachable_store_raises_naming_the_uri(unreachable) -> None:
    registry = Registry(unreachable)
    with pytest.raises(RegistryError, match=r"http://127\.0\.0\.1:9 cannot be reached") as err:
        registry.alias(CHAMPION)
    assert "\n" not in str(err.value)
    for call in (registry.aliases, registry.versions, lambda: registry.get(1)):
        with pytest.raises(RegistryError, match="127.0.0.1:9"):
            call()


def test_serving_does_not_fall_back_when_the_store_is_down(unreachable) -> None:
    with pytest.raises(RegistryError, match="127.0.0.1:9"):
        registry_champion(unreachable)


def test_the_cli_says_it_in_one_line(unreachable, capsys, tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'x'\n")
    assert cli_main(["--project-path", str(tmp_path), "champion"]) == 2
    assert "127.0.0.1:9" in one_line_error(capsys.readouterr().err)


def test_a_missing_model_or_alias_is_still_none(tmp_path) -> None:
    registry = fresh_registry()  # a reachable store without this model
    assert registry.alias(CHAMPION) is None
    assert registry.aliases() == {} and registry.versions() == []
    with pytest.raises(RegistryError, match="no version 3"):
        registry.get(3)
