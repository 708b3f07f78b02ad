"""Moving the ``champion`` and ``challenger`` aliases: promote, undo, roll back.

Promotion records the champion it replaces on the new version (tag ``previous_champion``)
*before* it moves the alias (one write): rollback follows that tag. Aliases move only to
versions whose artifacts were verified; nothing is ever deleted.
"""

from __future__ import annotations

import logging

from .versions import CHALLENGER, CHAMPION, PREVIOUS_TAG, RegistryError

logger = logging.getLogger(__name__)


class AliasMoves:
    """The alias operations of :class:`~.mlflow_registry.Registry` (a mixin: it uses the
    registry's ``client``, ``name``, ``get``, ``alias`` and ``verify``)."""

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
