"""Pipeline ``evaluate``: score every model folder once on ``test``; reports and leaderboard."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
