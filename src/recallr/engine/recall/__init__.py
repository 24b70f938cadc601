"""Recall: hybrid search over a user's memories, summaries and messages, and the context string."""

from .service import Recall, RecallParams, RecallResult

__all__ = ["Recall", "RecallParams", "RecallResult"]
