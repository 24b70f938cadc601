"""Text embedders: the :class:`Embedder` protocol, a cache, and local MiniLM.

Example::

    from recallr.embedding import CachedEmbedder, load_embedder

    embedder = CachedEmbedder(load_embedder("minilm"))
    vectors = embedder.embed(["I love pizza"])  # shape (1, 384), unit rows
"""

from recallr.embedding.base import CachedEmbedder, Embedder, load_embedder
from recallr.embedding.minilm import MiniLMEmbedder

__all__ = ["CachedEmbedder", "Embedder", "MiniLMEmbedder", "load_embedder"]
