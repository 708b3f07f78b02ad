"""A tiny randomly initialised BERT (``model_name_or_path: random:tiny``): tests and smoke runs.

Nothing is downloaded: the tokenizer is a lower-case WordPiece vocabulary of the special tokens,
characters (``a``, ``##a`` …) and a few hundred common English/review words, so any text
tokenizes (unknown words fall back to characters); the network is a ``BertConfig`` of 2 layers,
hidden size 32. It learns a synthetic sentiment set in seconds; it is never a real model.
"""

from __future__ import annotations

import string
from typing import Any

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_WORDS = """
the a an and or but not no never is was are were be been it this that these those i you he she
we they my your his her our their film movie movies films story plot acting actor actors actress
director scene scenes character characters good great excellent wonderful brilliant amazing best
love loved lovely fun funny enjoy enjoyed beautiful perfect superb fantastic favourite favorite
bad worst awful terrible boring dull poor waste horrible stupid hate hated mess weak lame
disappointing disappointed worse nothing pointless annoying very really so too quite just only
also even still much more most less little well all some any one two three first last time
of to in on at by for with from about as into over after before than then there here what who
how why when where which would could should can will do does did have has had see saw seen
watch watched watching make made like liked think thought recommend recommended ever again
"""
WORDS = _WORDS.split()


def tiny_vocab(words: list[str] | None = None) -> dict[str, int]:
    """``token -> id``: special tokens, characters, ``##`` characters, then ``words``."""
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    tokens = SPECIAL + chars + [f"##{c}" for c in chars] + list(words or WORDS)
    vocab: dict[str, int] = {}
    for token in tokens:
        vocab.setdefault(token, len(vocab))
    return vocab


def tiny_tokenizer(words: list[str] | None = None) -> Any:
    """A fast lower-case BERT WordPiece tokenizer over :func:`tiny_vocab`."""
    from transformers import BertTokenizer

    return BertTokenizer(vocab=tiny_vocab(words), do_lower_case=True, model_max_length=512)


def tiny_bert(size: str = "tiny", num_labels: int = 2, seed: int = 0) -> tuple[Any, Any]:
    """``(tokenizer, BertForSequenceClassification)``, randomly initialised with ``seed``."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    if size != "tiny":
        raise ValueError(f"random:{size}: only random:tiny exists")
    tokenizer = tiny_tokenizer()
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        num_labels=num_labels,
        pad_token_id=tokenizer.pad_token_id,
    )
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        model = BertForSequenceClassification(config)
    finally:
        torch.random.set_rng_state(state)
    return tokenizer, model
