"""Recall strategies as named recipes (what each one searches and how wide), and ``auto``'s choice."""

from __future__ import annotations

from dataclasses import dataclass

from ...types import RecallStrategy
from .query import RecallQuery


@dataclass(frozen=True)
class Recipe:
    """How one strategy searches."""

    lexical: bool  # add full-text search to dense search
    summaries: int  # how many session summaries (above summaries_threshold) to add
    raw_messages: int  # how many raw past messages (details extraction did not keep) to add
    temporal: bool  # turn time expressions into date-range filters
    decompose: bool  # search sub-questions and entities separately
    expand: bool  # follow connected memories and version history
    pool: int  # candidates per ranking before fusion


RECIPES: dict[RecallStrategy, Recipe] = {
    RecallStrategy.LOW_LATENCY: Recipe(False, 0, 0, False, False, False, 100),
    RecallStrategy.BALANCED: Recipe(True, 1, 3, True, False, False, 200),
    RecallStrategy.AGENTIC: Recipe(True, 2, 10, True, True, True, 400),
    RecallStrategy.DEEP: Recipe(True, 3, 16, True, True, True, 1000),
}

_MULTI_HOP = ("both", "and", "compare", "difference", "how many", "what are", "which", "list", "all", "ever",
              "common", "together", "relationship", "because", "why", "would", "likely")


def choose(query: RecallQuery) -> RecallStrategy:
    """``auto``: agentic for multi-part or multi-entity questions, low latency for chit-chat, else balanced."""
    text = query.text.lower()
    words = len(text.split())
    if words <= 3 and not query.entities and not query.date_range:
        return RecallStrategy.LOW_LATENCY
    if query.sub_questions or len(query.entities) >= 2 or any(f" {w} " in f" {text} " for w in _MULTI_HOP[:8]):
        return RecallStrategy.AGENTIC
    return RecallStrategy.BALANCED
