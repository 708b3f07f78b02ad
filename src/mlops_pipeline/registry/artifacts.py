"""Reading a version's stored files: download, manifest check, the model folder, loading.

Every stored file is checked against the version's manifest (SHA-256, in the registry
database) before anything is read; loading goes through the allow-listed loader, so no stored
code runs (except :meth:`VersionArtifacts.load_pyfunc`, which says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import CARD_FILE, read_card
from mlops_pipeline.models.discovery import discover_models, load_model

from .integrity import verify_manifest
from .versions import CHAMPION, RegistryError


class VersionArtifacts:
    """The artifact reads of :class:`~.mlflow_registry.Registry` (a mixin: it uses the
    registry's ``config``, ``name``, ``get``, ``alias`` and ``_mlflow``)."""

    def _download(self, uri: str, what: str) -> Path:
        """Local copy of the model at ``uri`` (the store's own folder for a local store)."""
        try:
            # A process that never logged (the CLI, `score`) has no global URIs set, and
            # mlflow resolves `models:/` through the global registry URI even when
            # download_artifacts is given one: set both, as `log_folder` does.
            self._mlflow.set_tracking_uri(self.config.tracking_uri)
            self._mlflow.set_registry_uri(self.config.tracking_uri)
            return Path(self._mlflow.artifacts.download_artifacts(artifact_uri=uri))
        except Exception as exc:  # noqa: BLE001 - any store error means "artifacts missing"
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise RegistryError(
                f"{what}: its artifacts cannot be read ({first}); it must not be used"
            ) from None

    def root(self, version: int) -> Path:
        """The stored files of ``version`` (local), checked against its manifest."""
        what = f"version {version} of {self.name!r}"
        tags = self.get(version).tags
        local = self._download(f"models:/{self.name}/{version}", what=what)
        try:
            verify_manifest(local, tags, what)
        except UserInputError as exc:
            raise RegistryError(str(exc)) from None
        return local

    def folder(self, version: int) -> Path:
        """Local model folder of ``version`` (downloaded when the store is remote), after
        every stored file was checked against the version's manifest."""
        local = self.root(version)
        found = discover_models(local / "artifacts")
        if len(found) != 1 or not (found[0] / CARD_FILE).exists():
            raise RegistryError(
                f"version {version} of {self.name!r}: no model folder in its artifacts ({local})"
            )
        return found[0]

    def verify(self, version: int) -> Path:
        """The version's model folder, after checking its card can be read."""
        folder = self.folder(version)
        read_card(folder)
        return folder

    def load(self, alias_or_version: str | int = CHAMPION) -> Any:
        """The :class:`~mlops_pipeline.models.TextModel` of an alias or a version number
        (manifest checked; read by the allow-listed loader: no stored code runs)."""
        return load_model(self.folder(self._version_of(alias_or_version)))

    def load_pyfunc(self, alias_or_version: str | int = CHAMPION) -> Any:
        """The MLflow pyfunc of an alias or a version. Loading a pyfunc *runs* the loader
        script stored with the version (``pyfunc_model.py``); this checks the manifest of
        every stored file first, then loads that same local copy."""
        root = self.root(self._version_of(alias_or_version))
        return self._mlflow.pyfunc.load_model(str(root))

    def _version_of(self, alias_or_version: str | int) -> int:
        if isinstance(alias_or_version, int) or str(alias_or_version).isdigit():
            return int(alias_or_version)
        found = self.alias(str(alias_or_version))
        if found is None:
            raise RegistryError(
                f"model {self.name!r} has no alias {alias_or_version!r}: promote a version "
                "(`python -m mlops_pipeline.registry promote VERSION`) or run `retrain`"
            )
        return found.version
