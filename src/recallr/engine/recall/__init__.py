"""Recall: hybrid search over a user's memories, summaries and messages, and the context string."""

from .service import Recall, RecallParams, RecallResult, RecallSources, RecallTrace

__all__ = ["Recall", "RecallParams", "RecallResult", "RecallSources", "RecallTrace"]
