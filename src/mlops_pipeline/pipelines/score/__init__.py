"""Pipeline ``score`` (operational, not a DVC stage): batch-score a file of new reviews with
the champion; predictions, rejects, a summary and a drift report in new folders per run
(``<batch>-<sha8>-<UTC time>``, see :mod:`.pipeline`)."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
