"""The worker module (issue 28): a task's workspace, its data through a DVC remote, and the
single-machine default. A temporary git repository with DVC stands for the project, a folder
for the remote; every task runs in its own fresh clone, as on two different Celery workers."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_pipeline.worker import WorkerSettings, task_folder
from mlops_pipeline.worker.__main__ import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="dvc needs git")
PY = Path(sys.executable)

DVC_YAML = """\
stages:
  first:
    cmd: python -c "import pathlib as p; p.Path('out1.txt').write_text(p.Path('raw.txt').read_text().upper()); open(r'{runs}', 'a').write('first\\n')"
    deps: [raw.txt]
    outs: [out1.txt]
  second:
    cmd: python -c "import pathlib as p; p.Path('out2.txt').write_text(p.Path('out1.txt').read_text() * 2)"
    deps: [out1.txt]
    outs: [out2.txt]
"""


def _run(args: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MLOPS_"))}
    env.update(DVC_NO_ANALYTICS="1", PATH=f"{PY.parent}{os.pathsep}{env['PATH']}")
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _in_remote(remote: Path, content: str) -> bool:
    digest = hashlib.md5(content.encode()).hexdigest()
    return (remote / "files" / "md5" / digest[:2] / digest[2:]).is_file()


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A committed project (``raw.txt`` tracked by DVC, two stages) whose data is in the
    remote ``tmp_path/remote``; nothing of the stages has run yet."""
    repo = tmp_path / "origin"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    _run([*git, "init", "-q"], repo)
    _run([str(PY), "-m", "dvc", "init", "-q"], repo)
    (repo / "pyproject.toml").write_text("[tool.kedro]\n")
    (repo / "raw.txt").write_text("hello\n")
    _run([str(PY), "-m", "dvc", "add", "-q", "raw.txt"], repo)
    (repo / "dvc.yaml").write_text(DVC_YAML.format(runs=tmp_path / "first_runs"))
    _run([*git, "add", "-A"], repo)
    _run([*git, "commit", "-q", "-m", "project"], repo)
    _run([str(PY), "-m", "dvc", "remote", "add", "--local", "r", str(tmp_path / "remote")], repo)
    _run([str(PY), "-m", "dvc", "push", "-r", "r", "raw.txt"], repo)
    (repo / ".dvc" / "config.local").unlink()
    shutil.rmtree(repo / ".dvc" / "cache")
    (repo / "raw.txt").unlink()  # a deployed project: the code and config, not the data
    return repo


def _task(monkeypatch, tmp_path: Path, task_id: str, argv: list[str], **env: str) -> int:
    for key in ("MLOPS_GIT_URL", "MLOPS_DVC_REMOTE", "MLOPS_GIT_REV", "MLOPS_DVC_CACHE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in {"AIRFLOW_CTX_DAG_ID": "mlops_dvc_stages", "AIRFLOW_CTX_DAG_RUN_ID":
                       "manual__2026-12-07T00:00:00+00:00", "AIRFLOW_CTX_TASK_ID": task_id,
                       "MLOPS_WORKSPACE_ROOT": str(tmp_path / "ws"), **env}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    return main(argv)


def test_stage_tasks_in_fresh_clones_share_only_the_remote(monkeypatch, tmp_path, origin):
    remote = tmp_path / "remote"
    cache = tmp_path / "host-a-cache"  # MLOPS_DVC_CACHE on host A only
    env = {"MLOPS_GIT_URL": str(origin), "MLOPS_DVC_REMOTE": str(remote)}
    argv = ["--project-path", str(origin), "--fresh-workspace", "--stage"]
    code = _task(
        monkeypatch, tmp_path, "first", [*argv, "first"], **env, MLOPS_DVC_CACHE=str(cache)
    )
    assert code == 0
    assert _in_remote(remote, "HELLO\n") and list((remote / "runs").rglob("*"))
    # another "worker": its clone has no out1.txt and a dvc.lock without it
    assert _task(monkeypatch, tmp_path, "second", [*argv, "second"], **env) == 0
    assert _in_remote(remote, "HELLO\nHELLO\n")
    # `first` was restored from the remote's run cache in the second clone, not run again
    assert (tmp_path / "first_runs").read_text() == "first\n"
    assert not list((tmp_path / "ws").rglob("dvc.yaml"))  # succeeded: clones removed
    assert len([p for p in (cache / "files").rglob("*") if p.is_file()]) == 2  # raw, out1
    assert not (origin / "out1.txt").exists()  # the project itself untouched


def test_a_command_pulls_its_inputs_and_pushes_what_it_adds(monkeypatch, tmp_path, origin):
    remote = tmp_path / "remote"
    script = "rev raw.txt > copy.txt && python -m dvc add -q copy.txt"
    argv = ["--project-path", str(origin), "--pull", "raw.txt", "--push", "copy.txt.dvc",
            "--push", "never_made.dvc", "--", "sh", "-c", script]  # fmt: skip
    assert _task(monkeypatch, tmp_path, "cmd", argv, MLOPS_DVC_REMOTE=str(remote)) == 0
    assert (origin / "raw.txt").read_text() == "hello\n"  # pulled into the project path
    assert _in_remote(remote, "olleh\n")  # pushed; the missing target skipped
    # the command's exit code is the task's (the gate's 99 skips downstream), nothing pushed
    argv = ["--project-path", str(origin), "--push", "raw.txt.dvc", "--", "sh", "-c", "exit 99"]
    assert _task(monkeypatch, tmp_path, "gate", argv, MLOPS_DVC_REMOTE=str(remote)) == 99


def test_without_remote_or_git_url_it_only_runs_the_command(monkeypatch, tmp_path, origin):
    argv = ["--project-path", str(origin), "--fresh-workspace", "--pull", "raw.txt", "--",
            "sh", "-c", "pwd > ran_in"]  # fmt: skip
    assert _task(monkeypatch, tmp_path, "plain", argv) == 0
    assert (origin / "ran_in").read_text().strip() == str(origin.resolve())
    assert not (origin / "raw.txt").exists() and not (origin / ".dvc" / "config.local").exists()


def test_setup_errors_are_one_line_naming_the_variable(monkeypatch, tmp_path, capsys):
    argv = ["--project-path", str(tmp_path / "nowhere"), "--", "true"]
    assert _task(monkeypatch, tmp_path, "t", argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "MLOPS_PROJECT_PATH" in err
    argv = ["--project-path", str(tmp_path), "--fresh-workspace", "--stage", "x"]
    code = _task(monkeypatch, tmp_path, "t", argv, MLOPS_GIT_URL=str(tmp_path / "no-repo"))
    assert code == 2 and "MLOPS_GIT_URL" in capsys.readouterr().err


def test_settings_and_task_folder_from_the_environment(tmp_path) -> None:
    env = {"MLOPS_GIT_URL": "", "MLOPS_DVC_REMOTE": "s3://b/p", "MLOPS_WORKSPACE_ROOT": "/w"}
    settings = WorkerSettings.from_env(tmp_path, env)
    assert settings.git_url is None and settings.dvc_remote == "s3://b/p"
    assert settings.workspace_root == Path("/w") and settings.dvc_cache is None
    context = {"AIRFLOW_CTX_DAG_ID": "d", "AIRFLOW_CTX_DAG_RUN_ID": "manual__2026-12-07T00:00:00+00:00",
               "AIRFLOW_CTX_TASK_ID": "t"}  # fmt: skip
    assert task_folder(Path("/w"), context) == Path("/w/d/manual__2026-12-07T00_00_00_00_00/t")
