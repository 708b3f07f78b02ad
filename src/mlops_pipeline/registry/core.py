"""The model registry of the sentiment classifier on MLflow (DESIGN.md "Tracking and registry").

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import CARD_FILE, read_card
from mlops_pipeline.models.champion import select_champion
from mlops_pipeline.models.discovery import ModelHandle, discover_models, load_model
from mlops_pipeline.tracking.config import (
    TrackingConfig,
    check_artifact_location,
    ensure_store,
    experiment_id,
    sqlite_file,
    store_exists,
)

from .integrity import check_loadable, manifest_tags, verify_manifest
from .wheel import WHEEL_ARTIFACT, pinned_requirements, project_wheel

logger = logging.getLogger(__name__)

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


class Registry:
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
        version = self.client.create_model_version(
            self.name, model_uri, run_id=run_id, tags={**(tags or {}), **integrity}
        )
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

    # -- artifacts -------------------------------------------------------------------------
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

    # -- aliases ---------------------------------------------------------------------------
    def set_challenger(self, version: int) -> None:
        self.verify(version)
        self.client.set_registered_model_alias(self.name, CHALLENGER, str(version))

    def promote(self, version: int, reason: str = "manual") -> int | None:
        """Point ``champion`` at ``version``; returns the champion it replaced (or ``None``)."""
        self.get(version)
        self.verify(version)
        current = self.alias(CHAMPION)
        if current is not None and current.version == version:
            logger.info("version %s is already the champion", version)
            return current.version
        previous = "" if current is None else str(current.version)
        self.client.set_model_version_tag(self.name, str(version), PREVIOUS_TAG, previous)
        self.client.set_model_version_tag(self.name, str(version), "promoted_reason", reason)
        self.client.set_registered_model_alias(self.name, CHAMPION, str(version))
        logger.info("champion: version %s (was %s)", version, previous or "none")
        return None if current is None else current.version

    def restore_champion(self, version: int | None) -> None:
        """Put ``champion`` back where it was (``None``: no champion); used to undo a step."""
        if version is None:
            if self.alias(CHAMPION) is not None:
                self.client.delete_registered_model_alias(self.name, CHAMPION)
        else:
            self.client.set_registered_model_alias(self.name, CHAMPION, str(version))

    def restore_challenger(self, version: int | None) -> None:
        if version is None:
            if self.alias(CHALLENGER) is not None:
                self.client.delete_registered_model_alias(self.name, CHALLENGER)
        else:
            self.client.set_registered_model_alias(self.name, CHALLENGER, str(version))

    def rollback(self) -> tuple[int, int]:
        """Re-point ``champion`` at the champion before it; returns ``(from, to)``."""
        current = self.alias(CHAMPION)
        if current is None:
            raise RegistryError(f"model {self.name!r} has no champion: nothing to roll back")
        previous = current.tags.get(PREVIOUS_TAG, "")
        if not previous:
            raise RegistryError(
                f"champion version {current.version} of {self.name!r} was the first champion: "
                "there is no previous one (promote a version explicitly instead)"
            )
        self.verify(int(previous))
        self.client.set_model_version_tag(
            self.name, str(current.version), "rolled_back_to", previous
        )
        self.client.set_registered_model_alias(self.name, CHAMPION, previous)
        logger.info("rollback: champion %s -> %s", current.version, previous)
        return current.version, int(previous)


def _param(value: Any) -> Any:
    text = str(value)
    return text if len(text) <= 500 else text[:497] + "..."


def register_folder(
    registry: Registry,
    folder: str | Path,
    *,
    run_name: str,
    params: dict[str, Any] | None = None,
    metrics: dict[str, float] | None = None,
    tags: dict[str, str] | None = None,
) -> int:
    """Log ``folder`` as an MLflow run's pyfunc model and register it; the version number.

    The folder is first loaded through the allow-listed loader and predicts on a probe text
    (:func:`.integrity.check_loadable`): a folder that cannot is refused in one line and
    nothing is logged or registered."""
    folder = Path(folder)
    try:
        check_loadable(folder)
    except UserInputError as exc:
        raise RegistryError(str(exc)) from None
    card = read_card(folder)
    run_id, model_uri = registry.log_model(
        folder, run_name=run_name, params=params, metrics=metrics, tags=tags
    )
    version_tags = {"model_id": card.model_id, "family": card.family, **(tags or {})}
    return registry.register(model_uri, run_id, tags=version_tags, model_dir=folder.name)


def register_first_champion(registry: Registry, folder: str | Path) -> int:
    """Register ``folder`` (the best-val model) and point ``champion`` at it; the version.

    The one implementation behind `registry init` and the first `retrain` cycle.
    """
    folder = Path(folder)
    version = register_folder(
        registry,
        folder,
        run_name=f"first champion {folder.name}",
        tags={"source": "best val_metrics.accuracy"},
    )
    registry.promote(version, reason="first champion: best val_metrics.accuracy")
    return version


def best_val_folder(models_root: str | Path) -> Path:
    """The first champion: the model folder with the best ``val_metrics.accuracy``
    (:func:`mlops_pipeline.models.champion.select_champion`, the project's one rule)."""
    folders = discover_models(models_root)
    if not folders:
        raise RegistryError(
            f"no model folder under {models_root}: run a training pipeline first "
            "(kedro run --pipelines train_classical)"
        )
    return select_champion({f.name: ModelHandle(f.name, f) for f in folders}).folder
