"""Dense text representations: Word2Vec / FastText (gensim) and document vectors.

Public API (stable; used by ``train_classical`` to bundle an embedder inside a model):

- :class:`DocumentEmbedder`: word vectors (+ FastText subword buckets) + train-review IDF ->
  ``.transform(list_of_token_lists, pooling=None) -> np.ndarray`` of shape
  ``(n_docs, vector_size)``, ``float32``; ``pooling`` is ``"mean"`` or ``"tfidf"`` (default:
  the embedder's own). ``save(dir)`` / ``classmethod load(dir)`` use JSON + ``.npy`` only.
  Also ``word_vector``, ``most_similar``, ``similarity``, ``oov_stats``.
- :func:`train_embedding` ``(family, sentences, params, seed, workers)`` -> gensim model + stats.
- :func:`compute_idf` ``(docs) -> (terms, idf, n_docs)`` (smooth idf, as scikit-learn).

``workers: 1`` + a seed gives bit-identical vectors; more workers do not. See docs/features.md.
"""

from .embedder import POOLINGS, DocumentEmbedder
from .training import compute_idf, resolve_workers, train_embedding

__all__ = ["POOLINGS", "DocumentEmbedder", "compute_idf", "resolve_workers", "train_embedding"]
