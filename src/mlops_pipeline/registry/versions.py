"""Names of the registry's aliases and tags, its error, and one version as the CLI shows it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError

CHAMPION = "champion"
CHALLENGER = "challenger"
PREVIOUS_TAG = "previous_champion"
LOADER_FILE = Path(__file__).with_name("pyfunc_model.py")
# the artifact key of the model folder; pyfunc_model.py (a standalone script, not imported
# here: importing it registers the model with MLflow) uses the same literal (tested)
MODEL_DIR_ARTIFACT = "model_dir"
#: MLflow error codes that mean "no such model/version/alias", not "store unavailable".
ABSENT_CODES = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")


class RegistryError(UserInputError):
    """A registry operation that cannot be done as asked (one line, with the fix)."""


@dataclass(frozen=True)
class VersionInfo:
    """One registered version as the CLI and the decision log show it."""

    version: int
    model_id: str
    run_id: str
    aliases: tuple[str, ...]
    tags: dict[str, str]
    created: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "model_id": self.model_id,
            "run_id": self.run_id,
            "aliases": list(self.aliases),
            "tags": dict(sorted(self.tags.items())),
        }
