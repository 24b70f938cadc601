"""The engine: every behaviour of Recallr. ``server/`` and ``client/`` only translate to and from it."""

from .core import Engine

__all__ = ["Engine"]
