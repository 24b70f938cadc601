"""Import path of the official SDK (``from recallrai.session import Session``)."""

from .client import AsyncSession, Session

__all__ = ["AsyncSession", "Session"]
