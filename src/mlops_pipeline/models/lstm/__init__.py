"""LSTM/GRU sentiment classifier (issue 12) behind the :class:`TextModel` interface.

- :mod:`.vocab` - :class:`Vocabulary` (PAD 0, OOV 1) and head+tail truncation
- :mod:`.network` - :class:`RecurrentClassifier`, the ``torch.nn.Module``
- :mod:`.training` - bucketed batches, AdamW + clipping, early stopping on val
- :mod:`.device` - ``auto|cpu|cuda``, CPU threads/denormals, autocast, seeding
- :mod:`.model` - :class:`LSTMTextModel` (raw text in, safetensors + JSON on disk)
"""

from .device import DeviceUnavailableError, select_device
from .model import INTERFACE, LSTMTextModel, val_metrics
from .network import RecurrentClassifier
from .vocab import OOV, PAD, Vocabulary

__all__ = [
    "INTERFACE",
    "OOV",
    "PAD",
    "DeviceUnavailableError",
    "LSTMTextModel",
    "RecurrentClassifier",
    "Vocabulary",
    "select_device",
    "val_metrics",
]
