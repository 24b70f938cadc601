"""Import path of the official SDK (``from recallrai.merge_conflict import MergeConflict``)."""

from .client.conflicts import AsyncMergeConflict, MergeConflict

__all__ = ["AsyncMergeConflict", "MergeConflict"]
