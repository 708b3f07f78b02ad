"""Per-review descriptors the drift report compares, computed by the project (no Evidently
descriptor, none of which may call ``nltk.download`` offline).

Each is a plain number per review, vectorised over pandas string methods:

``length_tokens``     tokens after the project's preprocessing (``TextPreprocessor.tokens``)
``oov_share``         share of those tokens outside the training vocabulary
``non_letter_share``  share of non-space characters of the raw text that are not letters
``html_residue``      HTML tags and entities (``<br />``, ``&amp;``) in the raw text
``exclaim_question``  ``!`` and ``?`` per 1,000 characters of raw text
``uppercase_share``   share of the raw text's letters that are uppercase
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DESCRIPTORS = (
    "length_tokens",
    "oov_share",
    "non_letter_share",
    "html_residue",
    "exclaim_question",
    "uppercase_share",
)

_HTML = r"<[^>]{0,200}>|&[A-Za-z]{2,8};|&#\d{1,6};"
_LETTER = r"[^\W\d_]"


def _share(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num = numerator.to_numpy(dtype=np.float64)
    den = denominator.to_numpy(dtype=np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def compute_descriptors(
    texts: Sequence[str], tokens: Sequence[Sequence[str]], vocabulary: pd.Index | None
) -> pd.DataFrame:
    """One row per review with the columns of :data:`DESCRIPTORS` (``float64``).

    ``tokens`` are the project's preprocessed tokens of ``texts`` (same order);
    ``vocabulary`` the training vocabulary (``oov_share`` is 0 when it is ``None``).
    """
    if len(texts) != len(tokens):
        raise ValueError(f"{len(texts)} texts but {len(tokens)} token lists")
    text = pd.Series(list(texts), dtype=object).fillna("").astype(str)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    if vocabulary is not None and lengths.sum():
        flat = np.concatenate([np.asarray(t, dtype=object) for t in tokens if len(t)])
        known = vocabulary.get_indexer(flat) >= 0
        doc_ids = np.repeat(np.arange(len(tokens)), lengths)
        oov = np.bincount(doc_ids[~known], minlength=len(tokens)).astype(np.float64)
        oov_share = np.divide(oov, lengths, out=np.zeros_like(oov), where=lengths > 0)
    else:
        oov_share = np.zeros(len(tokens))
    chars = text.str.len()
    spaces = text.str.count(r"\s")
    letters = text.str.count(_LETTER)
    upper = text.str.count(r"[A-Z\u00C0-\u00DE]")
    marks = text.str.count(r"[!?]")
    return pd.DataFrame(
        {
            "length_tokens": lengths.astype(np.float64),
            "oov_share": oov_share,
            "non_letter_share": 1.0 - _share(letters, chars - spaces),
            "html_residue": text.str.count(_HTML).to_numpy(dtype=np.float64),
            "exclaim_question": 1000.0 * _share(marks, chars),
            "uppercase_share": _share(upper, letters),
        }
    )
