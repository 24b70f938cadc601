"""The formation stage's ports: the steps it is given, each a small protocol with an offline implementation.

``OfflineExtractor`` (stage.py), ``OfflineConsolidator`` (consolidation.py) and ``OfflineSummarizer``
(summaries.py) are the defaults; the LLM mode (plugged in by :mod:`recallr.bootstrap`) implements them again.
A consolidator may also be a ``PreparingConsolidator`` (slow work before the write lock) and a ``Clarifier``
(writes a merge conflict's questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from ...language.categories import Category
from ...store.memories import MemoryRecord
from ...store.records import MessageRecord
from ..processing.pipeline import ProcessingContext
from .consolidation import WorkingSet
from .plan import Decision, Draft

__all__ = ["Clarifier", "Consolidator", "Extractor", "FormationSteps", "PreparingConsolidator", "Summarizer"]


class Extractor(Protocol):
    """Turns a session's messages into candidate memories (``Draft``), dated, not yet compared with anything."""

    def extract(self, messages: Sequence[MessageRecord], categories: Sequence[Category]) -> list[Draft]: ...


class Consolidator(Protocol):
    """Decides what one draft does to the user's current memories: add, update, skip or raise a conflict."""

    def decide(self, draft: Draft, current: WorkingSet, *, conflicts_enabled: bool) -> Decision: ...


class Summarizer(Protocol):
    """Writes the session summary and names the drafts it covers."""

    def summarize(self, session_date: datetime, messages: Sequence[MessageRecord],
                  drafts: Sequence[Draft]) -> tuple[str, list[int]]: ...


@runtime_checkable
class PreparingConsolidator(Protocol):
    """A consolidator that does its slow work in ``prepare``: returns the consolidator of this session."""

    def prepare(self, ctx: ProcessingContext, drafts: list[Draft]) -> Consolidator: ...


@runtime_checkable
class Clarifier(Protocol):
    """Writes a merge conflict's clarifying questions: ``(questions, {question: {option: outcome}})`` or None."""

    def clarify(self, draft: Draft, target: MemoryRecord) -> tuple[list[dict[str, Any]],
                                                                   dict[str, dict[str, str]]] | None: ...


@dataclass(frozen=True)
class FormationSteps:
    """The three steps one session goes through."""

    extractor: Extractor
    consolidator: Consolidator
    summarizer: Summarizer
