"""Import path of the official SDK (``from recallrai.user import User``)."""

from .client import AsyncUser, User

__all__ = ["AsyncUser", "User"]
