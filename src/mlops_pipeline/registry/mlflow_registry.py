"""The model registry of the sentiment classifier on MLflow (DESIGN.md "Tracking and registry").

This module holds the connection, logging and version queries; alias moves are in
:mod:`.aliases`, artifact reads in :mod:`.artifacts`, registering a folder in
:mod:`.registration`.

One registered model (``mlflow.yml: registered_model``); its aliases ``champion`` and
``challenger`` name versions. A version's artifact is an MLflow "models from code" pyfunc
(:mod:`.pyfunc_model`) whose only data is the model folder in safe formats: loading never
unpickles anything. Promotion and rollback move aliases only; nothing is ever deleted.

Safety rules:

* a folder is registered only after it loaded through the allow-listed loader and predicted on
  a probe text (:func:`.integrity.check_loadable`);
* every version carries the manifest of its stored files (SHA-256; the loader and the project
  wheel included) in the registry database, checked at every load (:meth:`Registry.folder`);
  its requirements pin the project wheel stored with it (:mod:`.wheel`), no bare name;
* an alias is set only after the version's folder was found in the artifact store
  (:meth:`Registry.verify`), so the registry never points at missing artifacts;
* a store that cannot be reached is an error naming its URI (:class:`RegistryError`), never
  "no champion"; only a store that does not exist yet (embedded, no file) means "none";
* promotion records the champion it replaces on the new version (tag ``previous_champion``)
  *before* it moves the alias (one write): rollback follows that tag;
* :meth:`Registry.register` that fails half-way deletes the version it just created (it was
  never referenced by an alias), so a crash leaves the versions as they were.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import read_card
from mlops_pipeline.models.limitations import version_description
from mlops_pipeline.tracking.config import (
    TrackingConfig,
    check_artifact_location,
    ensure_store,
    experiment_id,
    sqlite_file,
    store_exists,
)

from .aliases import AliasMoves
from .artifacts import VersionArtifacts
from .integrity import manifest_tags
from .versions import ABSENT_CODES, LOADER_FILE, MODEL_DIR_ARTIFACT, RegistryError, VersionInfo
from .wheel import WHEEL_ARTIFACT, pinned_requirements, project_wheel

logger = logging.getLogger(__name__)


class Registry(AliasMoves, VersionArtifacts):
    """Aliases, versions and model folders of the sentiment classifier."""

    def __init__(self, config: TrackingConfig, *, create: bool = True) -> None:
        """``create=False`` (read-only commands): an embedded store that does not exist yet
        is a :class:`RegistryError`, and nothing is created."""
        import mlflow
        from mlflow import MlflowClient

        self.config = config
        self.name = config.registered_model
        if not store_exists(config):
            if not create:
                raise RegistryError(
                    f"no registry yet: {sqlite_file(config)} does not exist; register a first "
                    "champion (python -m mlops_pipeline.registry init) or run from the project "
                    "root (--project-path)"
                )
            ensure_store(config)
        self._mlflow = mlflow
        self.client = MlflowClient(
            tracking_uri=config.tracking_uri, registry_uri=config.tracking_uri
        )
        if config.artifact_location is not None and store_exists(config):
            self._check_location()

    def _check_location(self) -> None:
        """Refuse an embedded store copied from another checkout (reads and writes alike)."""
        try:
            found = self.client.get_experiment_by_name(self.config.experiment)
            if found is not None:
                check_artifact_location(self.config, found.artifact_location)
        except UserInputError as exc:
            raise RegistryError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - a store error, said with its URI
            raise self.unreachable(exc) from None

    def unreachable(self, exc: BaseException) -> RegistryError:
        """The one-line error of a store that failed to answer (server down, bad URI, …)."""
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        return RegistryError(
            f"MLflow registry {self.config.tracking_uri} cannot be reached or read ({first}); "
            "start the server or fix MLFLOW_TRACKING_URI / conf/*/mlflow.yml (tracking_uri)"
        )

    def _absent_or_raise(self, exc: BaseException) -> None:
        """Return when ``exc`` says "not found"; else raise :meth:`unreachable`."""
        from mlflow.exceptions import MlflowException

        if isinstance(exc, MlflowException) and exc.error_code in ABSENT_CODES:
            return
        raise self.unreachable(exc) from None

    # -- experiment and runs ---------------------------------------------------------------
    def experiment_id(self, name: str | None = None) -> str:
        """The experiment's id, created (with the configured artifact root) when absent;
        an experiment whose artifacts live in another checkout is refused."""
        try:
            return experiment_id(self.client, self.config, name)
        except RegistryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a store error, said with its URI
            if isinstance(exc, UserInputError):
                raise RegistryError(str(exc)) from None
            raise self.unreachable(exc) from None

    def log_model(
        self,
        folder: str | Path,
        *,
        run_name: str,
        params: dict[str, Any] | None = None,
        metrics: dict[str, float] | None = None,
        tags: dict[str, str] | None = None,
    ) -> tuple[str, str]:
        """A finished MLflow run holding the model folder as a pyfunc; ``(run_id, model_uri)``.

        The version's artifacts: the loader script, the model folder and the project wheel its
        requirements pin by SHA-256 (:mod:`.wheel`)."""
        mlflow = self._mlflow
        folder = Path(folder)
        card = read_card(folder)
        wheel = project_wheel()
        mlflow.set_tracking_uri(self.config.tracking_uri)
        mlflow.set_registry_uri(self.config.tracking_uri)
        with mlflow.start_run(experiment_id=self.experiment_id(), run_name=run_name) as run:
            mlflow.set_tags({"model_id": card.model_id, "family": card.family, **(tags or {})})
            if params:
                mlflow.log_params({k: _param(v) for k, v in params.items()})
            if metrics:
                mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v is not None})
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(LOADER_FILE),
                artifacts={MODEL_DIR_ARTIFACT: str(folder), WHEEL_ARTIFACT: str(wheel)},
                pip_requirements=pinned_requirements(wheel),
            )
        return run.info.run_id, info.model_uri

    # -- versions --------------------------------------------------------------------------
    def _ensure_registered_model(self) -> None:
        try:
            self.client.get_registered_model(self.name)
        except Exception as exc:  # noqa: BLE001 - "not found" creates it, anything else raises
            self._absent_or_raise(exc)
            self.client.create_registered_model(
                self.name, description="Sentiment classifier of the IMDb pipeline"
            )

    def register(
        self, model_uri: str, run_id: str, tags: dict[str, str] | None = None, *, model_dir: str
    ) -> int:
        """A new version for ``model_uri`` (its artifacts verified); returns its number.

        The manifest of the stored files (and ``model_version``, the digest of the model
        folder ``artifacts/<model_dir>``) is computed from the store *before* the version
        exists and created with it, in one write. A failure after the version exists deletes
        that version again (no alias can point at it yet), so a crash leaves the registered
        versions as they were.
        """
        root = self._download(model_uri, what=f"the logged model {model_uri}")
        integrity = manifest_tags(root, root / "artifacts" / model_dir)
        self._ensure_registered_model()
        # a logged model's URI (models:/m-…) must name its model id: a tracking server checks it
        model_id = (
            model_uri.removeprefix("models:/") if model_uri.startswith("models:/m-") else None
        )
        version = self.client.create_model_version(
            self.name, model_uri, run_id=run_id, tags={**(tags or {}), **integrity},
            model_id=model_id,
            description=version_description(read_card(root / "artifacts" / model_dir)),
        )  # fmt: skip
        try:
            self.verify(int(version.version))
        except BaseException:
            self.client.delete_model_version(self.name, version.version)
            raise
        return int(version.version)

    def versions(self) -> list[VersionInfo]:
        """Every version, oldest first."""
        try:
            found = self.client.search_model_versions(f"name='{self.name}'")
        except Exception as exc:  # noqa: BLE001 - "not found" is empty, anything else raises
            self._absent_or_raise(exc)
            return []
        # search results carry no aliases on every store: read them from the registered model
        by_version: dict[str, list[str]] = {}
        for alias, version in self.aliases().items():
            by_version.setdefault(str(version), []).append(alias)
        infos = [self._info(v, by_version.get(str(v.version), ())) for v in found]
        return sorted(infos, key=lambda info: info.version)

    def _info(self, v: Any, aliases: Any = None) -> VersionInfo:
        tags = dict(v.tags or {})
        return VersionInfo(
            version=int(v.version),
            model_id=tags.get("model_id", ""),
            run_id=v.run_id or "",
            aliases=tuple(sorted(v.aliases if aliases is None else aliases)),
            tags=tags,
            created=int(v.creation_timestamp or 0),
        )

    def get(self, version: int) -> VersionInfo:
        try:
            return self._info(self.client.get_model_version(self.name, str(version)))
        except Exception as exc:  # noqa: BLE001 - "not found" is said below, anything else raises
            self._absent_or_raise(exc)
            known = [v.version for v in self.versions()]
            raise RegistryError(
                f"model {self.name!r} has no version {version} (versions: {known or 'none'}); "
                "see `python -m mlops_pipeline.registry list`"
            ) from None

    def alias(self, alias: str) -> VersionInfo | None:
        """The version ``alias`` names, or ``None`` when the model or the alias does not exist.

        A store that cannot be reached raises :class:`RegistryError` naming its URI: a caller
        must never mistake an outage for "no champion" and serve another model."""
        try:
            return self._info(self.client.get_model_version_by_alias(self.name, alias))
        except Exception as exc:  # noqa: BLE001 - "not found" is None, anything else raises
            self._absent_or_raise(exc)
            return None

    def aliases(self) -> dict[str, int]:
        """``{alias: version}`` (empty when the model is not registered yet)."""
        try:
            found = self.client.get_registered_model(self.name).aliases or {}
        except Exception as exc:  # noqa: BLE001 - "not found" is empty, anything else raises
            self._absent_or_raise(exc)
            return {}
        return {alias: int(version) for alias, version in sorted(found.items())}


def _param(value: Any) -> Any:
    text = str(value)
    return text if len(text) <= 500 else text[:497] + "..."
