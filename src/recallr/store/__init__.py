"""The store: all SQL lives here. The engine calls repositories; nothing above sees a cursor."""

from .database import Database, Tx, now_us

__all__ = ["Database", "Tx", "now_us"]
