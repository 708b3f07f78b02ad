"""The same floating-point kernels on every x86-64 CPU, so results repeat across machines.

BLAS and torch pick their kernels at run time by CPU: OpenBLAS (numpy's and scipy's, the
``sdot``/``saxpy`` of gensim's Word2Vec/FastText training) runs Haswell, SkylakeX or Zen code
paths, MKL and oneDNN (torch's CPU kernels) AVX2 or AVX-512 ones, and each sums floats in its
own order. One differing rounding early in Word2Vec training moves every vector after it, and
every metric built on them (issue 23: two machines of one kind differed from the embeddings on).
These variables pin the kernels to the AVX2 (Haswell) level every current x86-64 server has:

* ``OPENBLAS_CORETYPE=Haswell`` — OpenBLAS kernel selection (numpy, scipy);
* ``MKL_CBWR=AVX2`` — MKL's conditional numerical reproducibility mode;
* ``ATEN_CPU_CAPABILITY=avx2`` — torch's vectorised CPU kernels;
* ``ONEDNN_MAX_CPU_ISA=AVX2`` — oneDNN (torch's LSTM/linear primitives on CPU).

They are read when those libraries load, so :func:`pin_numeric_kernels` runs from the package's
``__init__`` (``kedro run`` imports the project's settings before any numpy, scipy or torch
import) and ``setdefault`` leaves a user's own choice alone (e.g. an older CPU without AVX2:
set ``OPENBLAS_CORETYPE`` to its core). Thread counts are pinned where each step runs
(``torch_runtime``, gensim ``workers``, threadpoolctl).
"""

from __future__ import annotations

import os
import sys

PINNED_ENV = {
    "OPENBLAS_CORETYPE": "Haswell",
    "MKL_CBWR": "AVX2",
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}
#: Libraries that read these variables when they load: pinning after them has no effect.
READERS = ("numpy", "scipy", "torch")


def pin_numeric_kernels() -> list[str]:
    """Set :data:`PINNED_ENV` where unset; the readers already loaded (then too late for them)."""
    for key, value in PINNED_ENV.items():
        os.environ.setdefault(key, value)
    return [name for name in READERS if name in sys.modules]
