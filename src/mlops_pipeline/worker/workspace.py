"""Where a task runs: the configured project, or a fresh clone of a configured revision.

Read from the task's environment (the Airflow worker's, docs/team.md "Environment variables"):

* ``MLOPS_GIT_URL``: the project's git repository. Set, a task that asks for a fresh
  workspace runs in its own ``git clone`` (one per DAG run and task, under
  ``MLOPS_WORKSPACE_ROOT``, default ``<tmp>/mlops-workspaces``) at ``MLOPS_GIT_REV`` (default:
  the repository's default branch); it is removed when the task succeeds and kept (for its
  logs) when it fails. Unset (the single-machine default): the task runs in the project path.
* ``MLOPS_DVC_REMOTE``: a remote named in ``.dvc/config``, or a URL/folder (added to the
  workspace's ``.dvc/config.local`` as remote ``mlops-worker``). Unset: nothing is pulled or
  pushed — the embedded default, every file already on this machine.
* ``MLOPS_DVC_CACHE``: a DVC cache folder shared by this host's clones (``cache.dir`` in the
  clone's ``.dvc/config.local``), so each clone does not download what another already has.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlops_pipeline.errors import UserInputError

log = logging.getLogger(__name__)

#: The name a URL given in MLOPS_DVC_REMOTE gets in the workspace's .dvc/config.local.
URL_REMOTE = "mlops-worker"
#: Airflow's BashOperator exports these; they name a task's workspace.
_CONTEXT = ("AIRFLOW_CTX_DAG_ID", "AIRFLOW_CTX_DAG_RUN_ID", "AIRFLOW_CTX_TASK_ID")


@dataclass(frozen=True)
class WorkerSettings:
    """What the environment says about workspaces and the DVC remote."""

    project_path: Path
    git_url: str | None = None
    git_rev: str | None = None
    workspace_root: Path = Path(tempfile.gettempdir()) / "mlops-workspaces"
    dvc_remote: str | None = None
    dvc_cache: Path | None = None

    @classmethod
    def from_env(cls, project_path: Path, env: dict[str, str] | None = None) -> WorkerSettings:
        """The settings of ``env`` (default ``os.environ``); empty values count as unset."""
        env = dict(os.environ if env is None else env)
        get = lambda key: env.get(key) or None  # noqa: E731
        root = get("MLOPS_WORKSPACE_ROOT")
        cache = get("MLOPS_DVC_CACHE")
        return cls(
            project_path=Path(project_path).resolve(),
            git_url=get("MLOPS_GIT_URL"),
            git_rev=get("MLOPS_GIT_REV"),
            workspace_root=Path(root) if root else cls.workspace_root,
            dvc_remote=get("MLOPS_DVC_REMOTE"),
            dvc_cache=Path(cache) if cache else None,
        )


def run(args: list[str], cwd: Path, what: str, stream: bool = False) -> None:
    """Run ``args`` in ``cwd``; a failure is a one-line error naming ``what`` and the last
    line of its output (``stream``: its output goes to this process's, e.g. Airflow's log)."""
    result = subprocess.run(args, cwd=cwd, capture_output=not stream, text=True, check=False)
    if result.returncode != 0:
        output = "" if stream else (result.stderr or result.stdout).strip()
        tail = output.splitlines()[-1] if output else "its output is above"
        raise UserInputError(f"{what} failed in {cwd} (exit {result.returncode}): {tail}")


def dvc(*args: str) -> list[str]:
    """A ``dvc`` command line run by this interpreter (the project's venv)."""
    return [sys.executable, "-m", "dvc", *args]


def task_folder(root: Path, env: dict[str, str] | None = None) -> Path:
    """``root/<dag id>/<run id>/<task id>`` from Airflow's context variables (``manual``
    and the pid outside Airflow), each part reduced to characters safe in a path."""
    env = dict(os.environ if env is None else env)
    fallback = ("manual", f"pid{os.getpid()}", "task")
    parts = [env.get(key) or default for key, default in zip(_CONTEXT, fallback, strict=True)]
    return root.joinpath(*(re.sub(r"[^A-Za-z0-9_.=-]", "_", p) for p in parts))


def clone(settings: WorkerSettings, folder: Path) -> Path:
    """A fresh ``git clone`` of ``settings.git_url`` at ``settings.git_rev`` in ``folder``
    (a folder left by an earlier try of the same task is replaced)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    run(["git", "clone", "--quiet", settings.git_url, str(folder)], folder.parent,
        f"git clone {settings.git_url} (MLOPS_GIT_URL)")  # fmt: skip
    if settings.git_rev:
        run(["git", "checkout", "--quiet", "--detach", settings.git_rev], folder,
            f"git checkout {settings.git_rev} (MLOPS_GIT_REV: a branch, tag or commit of MLOPS_GIT_URL)")  # fmt: skip
    return folder


def configure_remote(settings: WorkerSettings, workspace: Path) -> str | None:
    """The remote ``dvc pull/push -r`` use in ``workspace`` (None: no remote), made the
    workspace's default (``.dvc/config.local``: ``dvc repro --pull`` takes no ``-r``); a URL or
    folder becomes remote ``mlops-worker`` there, and ``MLOPS_DVC_CACHE`` a clone's cache."""
    if settings.dvc_cache and workspace != settings.project_path:
        run(dvc("cache", "dir", "--local", str(settings.dvc_cache)), workspace,
            "dvc cache dir (MLOPS_DVC_CACHE)")  # fmt: skip
    remote = settings.dvc_remote
    if not remote:
        return None
    if "/" in remote or ":" in remote:
        run(dvc("remote", "add", "--local", "--force", "--default", URL_REMOTE, remote),
            workspace, f"dvc remote add {URL_REMOTE} {remote} (MLOPS_DVC_REMOTE)")  # fmt: skip
        return URL_REMOTE
    run(dvc("remote", "default", "--local", remote), workspace,
        f"dvc remote default {remote} (MLOPS_DVC_REMOTE: a remote of .dvc/config, or a URL)")  # fmt: skip
    return remote


def prepare(settings: WorkerSettings, fresh: bool) -> Path:
    """The task's workspace: a clone when ``fresh`` and ``MLOPS_GIT_URL`` is set, else the
    project path (which must hold a Kedro project)."""
    if fresh and settings.git_url:
        folder = clone(settings, task_folder(settings.workspace_root))
        log.info("workspace: clone of %s at %s in %s", settings.git_url,
                 settings.git_rev or "its default branch", folder)  # fmt: skip
        return folder
    if not (settings.project_path / "pyproject.toml").is_file():
        raise UserInputError(
            f"no project at {settings.project_path} (MLOPS_PROJECT_PATH): point it at the "
            "deployed project (conf/, dvc.yaml, .dvc/), or set MLOPS_GIT_URL"
        )
    return settings.project_path
