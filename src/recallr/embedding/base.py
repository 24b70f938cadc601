"""The embedder protocol, a per-text LRU cache over any embedder, and the factory.

An embedder turns texts into unit-length float32 vectors, so a dot product is
the cosine similarity.  Implementations are small classes that satisfy
:class:`Embedder`; nothing needs to inherit from anything.

Example::

    embedder = CachedEmbedder(load_embedder("minilm"))
    vectors = embedder.embed(["I love pizza", "Pizza is my favourite food"])
    similarity = float(vectors[0] @ vectors[1])
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from recallr.exceptions import ConfigurationError


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    ``embed`` returns an array of shape ``(len(texts), dim)``, one row per text
    in order; an empty input gives shape ``(0, dim)``.

    Example::

        def nearest(embedder: Embedder, query: str, candidates: list[str]) -> str:
            q, *rows = embedder.embed([query, *candidates])
            return candidates[int(np.argmax(np.stack(rows) @ q))]
    """

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        ...


class CachedEmbedder:
    """Wraps an embedder with a thread-safe LRU cache keyed by the exact text.

    Only texts not in the cache reach the inner embedder, in one call, each at
    most once even when repeated in the input.  Cached rows are read-only, and
    every call returns a fresh array, so callers may modify what they get.
    ``hits`` counts texts found in the cache, ``misses`` texts sent to ``inner``.

    Example::

        embedder = CachedEmbedder(MiniLMEmbedder(), maxsize=10_000)
        embedder.embed(["hello", "world"])  # two texts embedded
        embedder.embed(["hello", "again"])  # only "again" embedded
    """

    def __init__(self, inner: Embedder, maxsize: int = 4096) -> None:
        if maxsize < 1:
            raise ConfigurationError(f"CachedEmbedder maxsize must be at least 1, got {maxsize}")
        self.inner = inner
        self.maxsize = maxsize
        self.name: str = inner.name
        self.dim: int = inner.dim
        self.hits = 0
        self.misses = 0
        self._rows: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``, embedding only those not seen recently."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                row = self._rows.get(text)
                if row is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._rows.move_to_end(text)
                    out[i] = row
            self.hits += len(texts) - sum(len(rows) for rows in missing.values())
            self.misses += len(missing)
        if not missing:
            return out
        # The inner call runs without the lock so that threads embedding
        # different texts do not wait for each other.
        fresh = np.asarray(self.inner.embed(list(missing)), dtype=np.float32)
        with self._lock:
            for (text, positions), row in zip(missing.items(), fresh, strict=True):
                out[positions] = row
                stored = row.copy()
                stored.flags.writeable = False
                self._rows[text] = stored
                self._rows.move_to_end(text)
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)
        return out

    def clear(self) -> None:
        """Forget every cached row."""
        with self._lock:
            self._rows.clear()


def _minilm(threads: int | None) -> Embedder:
    from recallr.embedding.minilm import MiniLMEmbedder

    return MiniLMEmbedder(threads=threads)


_FACTORIES: dict[str, Callable[[int | None], Embedder]] = {
    "minilm": _minilm,
    "all-minilm-l6-v2": _minilm,
}


def load_embedder(name: str = "minilm", *, threads: int | None = None) -> Embedder:
    """The embedder called ``name`` (case-insensitive), uncached.

    ``threads`` caps the CPU threads one inference may use; ``None`` lets the
    runtime decide.  Raises :class:`~recallr.exceptions.ConfigurationError`
    for an unknown name, a missing optional dependency or a bad model file.

    Example::

        embedder = load_embedder("minilm", threads=2)
        embedder.embed(["hello"]).shape  # (1, 384)
    """
    factory = _FACTORIES.get(name.strip().lower())
    if factory is None:
        known = ", ".join(sorted(_FACTORIES))
        raise ConfigurationError(f"Unknown embedder {name!r}; known embedders: {known}")
    return factory(threads)
