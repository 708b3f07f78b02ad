"""Validated ensembles of the project's text models (issue 15).

- :class:`EnsembleTextModel`: a :class:`~mlops_pipeline.models.base.TextModel` holding copies
  of its member folders and a combiner of their probabilities
- :mod:`.combiner`: the combiners, cross-fitting and greedy member selection (val rows only)
"""

from .combiner import COMBINERS, Combiner, cross_fit, fit_combiner, scores, select_members
from .model import INTERFACE, MEMBERS_DIR, EnsembleTextModel

__all__ = [
    "COMBINERS",
    "INTERFACE",
    "MEMBERS_DIR",
    "Combiner",
    "EnsembleTextModel",
    "cross_fit",
    "fit_combiner",
    "scores",
    "select_members",
]
