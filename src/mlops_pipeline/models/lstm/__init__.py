"""LSTM/GRU sentiment classifier (issue 12) behind the :class:`TextModel` interface.

Device choice, threads, precision and seeding: :mod:`mlops_pipeline.torch_runtime`.

- :mod:`.vocab` - :class:`Vocabulary` (PAD 0, OOV 1) and head+tail truncation
- :mod:`.network` - :class:`RecurrentClassifier`, the ``torch.nn.Module``
- :mod:`.training` - bucketed batches, AdamW + clipping, early stopping on val
- :mod:`.model` - :class:`LSTMTextModel` (raw text in, safetensors + JSON on disk)
"""

from .model import INTERFACE, LSTMTextModel
from .network import RecurrentClassifier
from .vocab import OOV, PAD, Vocabulary

__all__ = [
    "INTERFACE",
    "OOV",
    "PAD",
    "LSTMTextModel",
    "RecurrentClassifier",
    "Vocabulary",
]
