"""A task's data through the DVC remote: ``dvc pull`` what it reads, ``dvc push`` what it made.

A stage task runs ``dvc repro --pull <stage>`` with the remote as the workspace's default: the
stages upstream of it already ran as their own tasks (perhaps on another worker) and pushed
their outputs *and run-cache entries*, so here each of them is "cached - skipping run,
checking out outputs" (restored from the remote, keyed by its command, dependencies and
parameters), and only ``<stage>`` runs. ``--single-item`` would skip that restore and trust the
outputs ``dvc.lock`` names at the cloned revision, which are stale as soon as an upstream stage
reran for that revision. Then ``dvc push --run-cache <stage>``: its outputs and run-cache
entry, for the tasks downstream.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .workspace import dvc, run

log = logging.getLogger(__name__)


def pull(workspace: Path, remote: str, targets: list[str]) -> None:
    """``dvc pull -r remote targets`` (stage names or tracked paths; nothing when empty)."""
    if not targets:
        return
    log.info("dvc pull -r %s %s", remote, " ".join(targets))
    run(dvc("pull", "-r", remote, *targets), workspace,
        f"dvc pull -r {remote} {' '.join(targets)} (MLOPS_DVC_REMOTE)")  # fmt: skip


def push(workspace: Path, remote: str, targets: list[str], run_cache: bool = False) -> None:
    """``dvc push -r remote targets`` (with the run-cache entries when ``run_cache``)."""
    if not targets:
        return
    extra = ["--run-cache"] * run_cache
    log.info("dvc push -r %s %s %s", remote, " ".join(extra), " ".join(targets))
    run(dvc("push", "-r", remote, *extra, *targets), workspace,
        f"dvc push -r {remote} {' '.join(targets)} (MLOPS_DVC_REMOTE)")  # fmt: skip


def repro_stage(workspace: Path, stage: str, remote: str | None) -> None:
    """``dvc repro stage`` (upstream stages restored, not rerun, when up to date); with a
    remote (the workspace's default), missing data pulled first and the stage pushed after."""
    args = ["repro", "--pull", stage] if remote else ["repro", stage]
    run(dvc(*args), workspace, f"dvc {' '.join(args)}", stream=True)
    if remote:
        push(workspace, remote, [stage], run_cache=True)
