"""Embeddings from the LLM endpoint (``RECALLR_LLM_EMBEDDING_MODEL``), behind the ``Embedder`` protocol.

The engine wraps it in ``CachedEmbedder``, so unchanged text (a message indexed again on a retry, a repeated
query, a memory stated twice) is embedded once.

Example::

    embedder = EndpointEmbedder(endpoint, "nomic-embed-text", dimensions=None, timeout=30, max_retries=3)
    embedder.embed(["I love pizza"]).shape   # (1, embedder.dim)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..exceptions import ConfigurationError
from .provider import Endpoint

BATCH = 128
PGVECTOR_DIM = 384  # the width of the pgvector column (migration 0003)


class EndpointEmbedder:
    """Unit-length float32 rows from an OpenAI-compatible ``/embeddings`` endpoint."""

    def __init__(self, endpoint: Endpoint, model: str, *, dimensions: int | None, timeout: float, max_retries: int,
                 required_dim: int | None = None, on_tokens: Callable[[int], None] | None = None) -> None:
        self.endpoint = endpoint
        self.model = model
        self.name = f"llm:{model}"
        self.dimensions = dimensions
        self.timeout = timeout
        self.max_retries = max_retries
        self.required_dim = required_dim
        self.on_tokens = on_tokens
        # the vector width: as configured, else learnt from one probe request (the engine loads this lazily)
        self.dim: int = self._check(dimensions if dimensions is not None else len(self._request(["probe"])[0]))

    def _check(self, width: int) -> int:
        if self.required_dim is not None and width != self.required_dim:
            raise ConfigurationError(
                f"Embedding model {self.model} gives {width}-dimensional vectors but this database stores "
                f"{self.required_dim}: set RECALLR_LLM_EMBEDDING_DIMENSIONS={self.required_dim} (if the model "
                "supports it) or unset RECALLR_LLM_EMBEDDING_MODEL")
        return width

    def _request(self, texts: Sequence[str]) -> list[list[float]]:
        rows, tokens = self.endpoint.embed(self.model, texts, dimensions=self.dimensions, timeout=self.timeout,
                                           max_retries=self.max_retries)
        if self.on_tokens is not None:
            self.on_tokens(tokens)
        if len(rows) != len(texts):
            raise ConfigurationError(f"Embedding model {self.model} gave {len(rows)} vectors for {len(texts)} texts")
        return rows

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), BATCH):
            # an empty string is refused by most servers; a space embeds as "nothing"
            batch = [t if t.strip() else " " for t in texts[start:start + BATCH]]
            parts.append(np.asarray(self._request(batch), dtype=np.float32))
        out = np.vstack(parts)
        if out.shape[1] != self.dim:
            raise ConfigurationError(f"Embedding model {self.model} changed width: {out.shape[1]}, not {self.dim}")
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)
