"""Validated ensembles of the project's text models (issue 15).

- :class:`EnsembleTextModel`: a :class:`~mlops_pipeline.models.base.TextModel` holding copies
  of its member folders and a combiner of their probabilities
- :mod:`.combiner`: the combiners, cross-fitting and greedy member selection (val rows only)
- :mod:`.routing`: length-aware routing of short inputs to one model, chosen on val
"""

from .combiner import COMBINERS, Combiner, cross_fit, fit_combiner, scores, select_members
from .model import INTERFACE, MEMBERS_DIR, ROUTE_DIR, EnsembleTextModel
from .routing import ShortRoute, choose_route, fit_only, route_study, routed, word_counts

__all__ = [
    "COMBINERS",
    "INTERFACE",
    "MEMBERS_DIR",
    "ROUTE_DIR",
    "Combiner",
    "EnsembleTextModel",
    "ShortRoute",
    "choose_route",
    "cross_fit",
    "fit_combiner",
    "fit_only",
    "route_study",
    "routed",
    "scores",
    "select_members",
    "word_counts",
]
