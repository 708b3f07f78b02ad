"""What an Airflow task runs on a worker (docs/team.md "What a worker needs").

``python -m mlops_pipeline.worker`` — from the project's installed package, in the project's
venv — prepares the task's workspace (:mod:`.workspace`: the configured project, or a fresh
clone of a configured revision), pulls the task's inputs from the DVC remote named by
``MLOPS_DVC_REMOTE`` (:mod:`.dvc_sync`), runs a DVC stage or a command there, and pushes what
it made. Without ``MLOPS_DVC_REMOTE`` and ``MLOPS_GIT_URL`` it only runs the command in the
project: the single-machine default.
"""

from .dvc_sync import pull, push, repro_stage
from .workspace import WorkerSettings, configure_remote, prepare, task_folder

__all__ = [
    "WorkerSettings",
    "configure_remote",
    "prepare",
    "pull",
    "push",
    "repro_stage",
    "task_folder",
]
