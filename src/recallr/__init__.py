"""Recallr: self-hostable long-term memory for AI assistants, compatible with the RecallrAI SDK.

Example::

    from recallr import RecallrAI
    from recallr.models import MessageRole

    client = RecallrAI.embedded("./recallr-data")
    user = client.create_user("alice")
    session = user.create_session()
    session.add_message(role=MessageRole.USER, content="I moved to Berlin last month.")
    session.process()
"""

__version__ = "0.1.0"

from .client import AsyncRecallrAI, AsyncSession, AsyncUser, RecallrAI, Session, User

__all__ = ["AsyncRecallrAI", "AsyncSession", "AsyncUser", "RecallrAI", "Session", "User", "__version__"]
