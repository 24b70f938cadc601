"""A scripted "model" for the fake server: answers each Recallr task from rules a test sets.

Example::

    model = ScriptedModel()
    model.remember("peanuts", "User is allergic to peanuts.", categories=["allergies"])
    model.verdict("Berlin", "update", "Paris")       # a new memory mentioning Berlin updates the one about Paris
    fake.responder = model
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .fake_openai import Recorded, Reply

_NEW = re.compile(r"^N(\d+): (.*?) \(said on .*?; may concern (.*)\)$")
_EXISTING = re.compile(r"^(E\d+): (.*?) \(event date .*\)$")


@dataclass
class ScriptedModel:
    memories: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (trigger, memory)
    verdicts: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # (new has, action, old has, why)
    summary: str | None = "They talked about their week."
    plan: dict[str, Any] = field(default_factory=lambda: {
        "vector_queries": ["planned search"], "keywords": ["planned"], "date_ranges": [],
        "reasoning": "Planner: searched what the user asked."})
    questions: list[dict[str, Any]] = field(default_factory=lambda: [{
        "question": "Where do you live now?",
        "options": [{"text": "In the new place", "outcome": "new"}, {"text": "Still in the old place",
                                                                       "outcome": "existing"}]}])
    resolution: dict[str, Any] = field(default_factory=lambda: {"outcome": "new", "content": None, "reasoning": "ok"})
    overrides: dict[str, Callable[[Recorded], Reply]] = field(default_factory=dict)  # task -> responder

    def remember(self, trigger: str, content: str, **fields: Any) -> None:
        """A message containing ``trigger`` gives this memory (sources: that message)."""
        self.memories.append((trigger, {"content": content, **fields}))

    def verdict(self, new_has: str, action: str, old_has: str | None = None, reason: str = "") -> None:
        """A new memory containing ``new_has`` gets ``action`` against the existing one containing ``old_has``."""
        self.verdicts.append((new_has, action, old_has, reason))

    def __call__(self, request: Recorded) -> Reply:
        task = request.task or ""
        if task in self.overrides:
            return self.overrides[task](request)
        handler = getattr(self, f"_{task}", None)
        return handler(request) if handler is not None else Reply(json={})

    def _extraction(self, request: Recorded) -> Reply:
        found = []
        for index, _role, content in request.lines():
            for trigger, memory in self.memories:
                if trigger.lower() in content.lower():
                    found.append({"categories": [], "sources": [index], **memory})
        answer: dict[str, Any] = {"memories": found}
        if self.summary is not None and '"summary"' in request.system_text:
            answer["summary"] = self.summary
        return Reply(json=answer)

    def _consolidation(self, request: Recorded) -> Reply:
        existing = {m.group(1): m.group(2) for m in map(_EXISTING.match, request.user_text.splitlines()) if m}
        decisions = []
        for match in map(_NEW.match, request.user_text.splitlines()):
            if not match:
                continue
            number, content, refs = int(match.group(1)), match.group(2), match.group(3).split(", ")
            decision: dict[str, Any] = {"new": number, "action": "add", "target": None, "reason": ""}
            for new_has, action, old_has, reason in self.verdicts:
                if new_has.lower() not in content.lower():
                    continue
                target = next((r for r in refs if old_has and old_has.lower() in existing.get(r, "").lower()), None)
                decision = {"new": number, "action": action, "target": target, "reason": reason}
                break
            decisions.append(decision)
        return Reply(json={"decisions": decisions})

    def _summary(self, _: Recorded) -> Reply:
        return Reply(json={"summary": self.summary or "A conversation."})

    def _query_plan(self, _: Recorded) -> Reply:
        return Reply(json=self.plan)

    def _clarification(self, _: Recorded) -> Reply:
        return Reply(json={"questions": self.questions})

    def _resolution(self, _: Recorded) -> Reply:
        return Reply(json=self.resolution)
