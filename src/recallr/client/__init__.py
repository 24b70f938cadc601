"""The SDK: thin shells over operations written once (see ``_calls``)."""

from .client import AsyncRecallrAI, AsyncSession, AsyncUser, RecallrAI, Session, User

__all__ = ["AsyncRecallrAI", "AsyncSession", "AsyncUser", "RecallrAI", "Session", "User"]
