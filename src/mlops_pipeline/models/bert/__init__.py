"""BERT-family text classifier (pipeline ``train_bert``): see docs/models.md "BERT"."""

from .model import DEFAULT_CONFIG, INTERFACE, BertTextModel, resolve_config
from .source import DEFAULT_SOURCE, load_pretrained, package_model_dir, resolve_source

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_SOURCE",
    "INTERFACE",
    "BertTextModel",
    "load_pretrained",
    "package_model_dir",
    "resolve_config",
    "resolve_source",
]
