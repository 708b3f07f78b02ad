"""Pipeline ``baseline``: the thin slice, a fast smoke check of the whole chain."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
