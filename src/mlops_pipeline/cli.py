"""Project command line (Kedro loads ``<package>.cli`` and lets its commands override its own).

``kedro run`` is Kedro's own command, with one change: a mistake the user can fix
(:class:`~mlops_pipeline.errors.UserInputError`, also when a dataset or a node wraps it) ends
the run with a short ``Error: <message>`` as the last line and exit status 1, instead of a
traceback of hundreds of lines. The full traceback still goes to the log file (``kedro.log``,
see ``conf/logging.yml``); ``MLOPS_TRACEBACK=1 kedro run ...`` shows it on the terminal.
Any other exception keeps Kedro's full traceback. ``python -m mlops_pipeline`` uses the same
command.
"""

from __future__ import annotations

import copy
import logging
import os
import sys
from typing import Any

import click
from kedro.framework.cli.project import run as kedro_run

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.params import TRACEBACK_ENV

#: Logs to the log file only (``conf/logging.yml``), so the terminal shows one line.
traceback_logger = logging.getLogger("mlops_pipeline.traceback")


def find_user_error(error: BaseException | None) -> UserInputError | None:
    """``error`` or the first :class:`UserInputError` it was raised from (``__cause__`` /
    ``__context__``: Kedro wraps dataset errors in ``DatasetError``)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UserInputError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _run(*args: Any, **kwargs: Any) -> Any:
    try:
        return kedro_run.callback(*args, **kwargs)
    except Exception as exc:
        error = find_user_error(exc)
        if error is None or os.environ.get(TRACEBACK_ENV, "") not in ("", "0"):
            raise
        traceback_logger.error("kedro run failed: %s", error, exc_info=exc)
        sys.stdout.flush()  # the log lines before the error line, in order
        raise click.ClickException(str(error)) from None


@click.group(name="mlops_pipeline")
def cli() -> None:
    """Project commands (Kedro's, with short user-input errors)."""


run = copy.copy(kedro_run)
run.callback = _run
run.help = (kedro_run.help or "") + (
    f"\n\nA user-input error prints one line; {TRACEBACK_ENV}=1 shows its traceback."
)
cli.add_command(run)
