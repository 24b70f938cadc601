"""A merge conflict's proposed statement, as the ``proposed`` column stores it.

The store hands it out typed (``ConflictRecord.proposed``); formation builds it (``engine.formation`` re-exports
it) and conflict resolution reads it back whole, so no caller parses the JSON itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from .memories import Source

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ProposedMemory:
    """A merge conflict's proposed statement: stored with the conflict as JSON, read back whole when answered.

    Example::

        >>> at = datetime(2023, 5, 8, tzinfo=UTC)
        >>> p = ProposedMemory("User lives in Paris.", ("location",), event_start=at, event_end=at, created_at=at)
        >>> ProposedMemory.from_json(p.to_json()) == p
        True
    """

    content: str
    categories: tuple[str, ...]
    subject: str | None = None
    slot: str | None = None
    value: str | None = None
    entities: tuple[str, ...] = ()
    negated: bool = False
    event_start: datetime = _EPOCH
    event_end: datetime = _EPOCH
    sources: tuple[Source, ...] = ()
    created_at: datetime = _EPOCH
    #: For model-written questions: ``{question: {option: outcome}}`` (see ``recallr.llm.resolution``).
    option_outcomes: dict[str, dict[str, str]] | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored form (the keys of the ``proposed`` column, unchanged since before this class)."""
        data: dict[str, Any] = {
            "content": self.content, "categories": list(self.categories), "subject": self.subject,
            "slot": self.slot, "value": self.value, "entities": list(self.entities), "negated": self.negated,
            "event_date_start": self.event_start.isoformat(), "event_date_end": self.event_end.isoformat(),
            "sources": [list(s) for s in self.sources], "created_at": self.created_at.isoformat(),
        }
        if self.option_outcomes is not None:
            data["option_outcomes"] = self.option_outcomes
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProposedMemory:
        """Read a stored proposal (rows written before a field existed get its default)."""
        created = data.get("created_at")
        return cls(
            content=data["content"], categories=tuple(data.get("categories", ())), subject=data.get("subject"),
            slot=data.get("slot"), value=data.get("value"), entities=tuple(data.get("entities", ())),
            negated=bool(data.get("negated", False)),
            event_start=datetime.fromisoformat(data["event_date_start"]),
            event_end=datetime.fromisoformat(data["event_date_end"]),
            sources=tuple((str(s[0]), int(s[1])) for s in data.get("sources", ())),
            created_at=datetime.fromisoformat(created) if created else _EPOCH,
            option_outcomes=data.get("option_outcomes"),
        )

    def reworded(self, content: str) -> ProposedMemory:
        """The same proposal with another statement (a model's rewording of the answer)."""
        return replace(self, content=content)
