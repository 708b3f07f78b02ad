"""Errors a person can act on: one line, printed last, no wall of traceback; unknown pipeline
names list the registered ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from kedro.io import DatasetError

from mlops_pipeline.cli import find_user_error
from mlops_pipeline.datasets.imdb_archive import ArchiveError
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.pipeline_registry import check_pipeline_names, registered_names
from mlops_pipeline.torch_runtime import DeviceUnavailableError


def _kedro_run(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "MLOPS_TRACEBACK"}
    environment.update({"KEDRO_DISABLE_TELEMETRY": "1", "COLUMNS": "100", **env})
    kedro = Path(sys.executable).with_name("kedro")
    return subprocess.run(
        [str(kedro), "run", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _output_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def test_project_errors_a_user_can_fix_are_one_type():
    assert issubclass(ArchiveError, UserInputError)
    assert issubclass(DeviceUnavailableError, UserInputError)


def test_a_user_error_is_found_inside_kedro_wrappers():
    try:
        try:
            raise ArchiveError("archive.tar.gz is truncated")
        except ArchiveError as inner:
            raise DatasetError("Failed while loading data from dataset imdb_raw") from inner
    except DatasetError as outer:
        assert str(find_user_error(outer)) == "archive.tar.gz is truncated"
    assert find_user_error(ValueError("a bug")) is None


def test_an_unknown_pipeline_lists_the_registered_ones_and_the_closest():
    with pytest.raises(UserInputError) as caught:
        check_pipeline_names(["ingest", "timeserie"])
    message = str(caught.value)
    assert message.startswith("Unknown pipeline 'timeserie'. Did you mean 'timeseries'?")
    for name in registered_names():
        assert name in message
    check_pipeline_names(["ingest", "imdb", "__default__"])
    check_pipeline_names(None)


def test_kedro_run_with_a_misspelt_parameter_ends_with_one_line_naming_it(project_copy):
    result = _kedro_run(
        project_copy, "--pipelines", "ingest", "--env", "test", "--params", "ingest.val_shar=0.3"
    )
    lines = _output_lines(result)
    assert result.returncode != 0
    assert lines[-1] == (
        "Error: parameters_ingest.yml: ingest.val_shar: unknown key (allowed: val_share, sample); "
        "fix the name or remove it"
    )
    assert len(lines) < 30, "\n".join(lines)
    assert "Traceback" not in result.stdout + result.stderr
    assert not list(project_copy.rglob("reviews.parquet"))  # refused before any node
    log = (project_copy / "kedro.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "ingest.val_shar" in log


def test_kedro_run_of_an_unknown_pipeline_lists_the_registered_ones(project_copy):
    result = _kedro_run(project_copy, "--pipelines", "timeserie")
    lines = _output_lines(result)
    assert result.returncode != 0
    assert lines[-1].startswith("Error: Unknown pipeline 'timeserie'. Did you mean 'timeseries'?")
    registered = lines[-1].split("Registered pipelines: ", 1)[1]
    assert {"baseline", "timeseries", "imdb"} <= {p.strip(" .") for p in registered.split(",")}
    assert len(lines) < 30, "\n".join(lines)


def test_a_corrupt_archive_fails_in_one_line_after_the_node_starts(project_copy):
    archive = project_copy / "data" / "01_raw" / "aclImdb_v1.tar.gz"
    archive.write_bytes(archive.read_bytes()[:3000])
    result = _kedro_run(project_copy, "--pipelines", "ingest", "--env", "test")
    lines = _output_lines(result)
    assert result.returncode != 0
    assert lines[-1].startswith(f"Error: Archive {archive} is truncated or corrupt")
    assert len(lines) < 30, "\n".join(lines)


def test_the_traceback_is_shown_on_request(project_copy):
    result = _kedro_run(
        project_copy,
        "--pipelines",
        "ingest",
        "--params",
        "ingest.val_share=0.9",
        MLOPS_TRACEBACK="1",
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" in output and "ingest.val_share: 0.9 is out of range" in output
