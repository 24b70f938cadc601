"""LLM consolidation: add, update, conflict or ignore, decided before the write lock is taken.

``prepare`` (outside any transaction) finds each draft's nearest current memories (cosine, the same
single-valued fact, the same text), asks the model about every draft that has any in one request per
batch, and asks for clarifying questions for each conflict. ``decide`` (inside the session's transaction)
then only looks the answers up, checking them against the memories current *now*:

* a verdict whose target is no longer current (another session changed it meanwhile) is decided again
  by the offline rules;
* "add" is checked against the memories that appeared since ``prepare`` (this session's own, a
  concurrent session's) with the offline rules, which catch repeats and changes among them;
* drafts whose request failed fall back to the offline rules (or fail the session).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine.formation import Decision, Draft, OfflineConsolidator, WorkingSet, conflicts_enabled
from ..engine.processing.pipeline import ProcessingContext
from ..prompts import clarification, consolidation
from ..store.memories import MemoryRecord
from .errors import LLMError
from .provider import estimate_tokens
from .steps import StepRunner

log = logging.getLogger("recallr.llm")

NEIGHBOUR_COSINE = 0.45  # MiniLM: "User is single." vs "User got married last month." is 0.50
MAX_NEIGHBOURS = 4
BATCH = 30  # new memories per request
PROMPT_TOKENS = 450  # the consolidation prompt's own text
TOKENS_PER_DECISION, DECISION_MARGIN = 60, 64  # the answer's budget: one short decision per new memory
CLARIFICATION_TOKENS = 500


@dataclass
class _Verdict:
    action: str
    target_id: str | None
    reason: str


@dataclass
class SessionConsolidator:
    """The consolidator of one session, holding the model's verdicts (implements ``Consolidator``)."""

    snapshot: set[str]  # ids of the memories the model saw
    verdicts: dict[int, _Verdict] = field(default_factory=dict)  # id(draft) -> verdict
    undecided: set[int] = field(default_factory=set)  # id(draft) whose request failed: offline rules
    clarified: dict[int, tuple[str, list[dict[str, Any]], dict[str, dict[str, str]]]] = field(default_factory=dict)
    offline: OfflineConsolidator = field(default_factory=OfflineConsolidator)

    def decide(self, draft: Draft, current: WorkingSet, *, conflicts_enabled: bool) -> Decision:
        key = id(draft)
        verdict = self.verdicts.get(key)
        if key in self.undecided:
            return self.offline.decide(draft, current, conflicts_enabled=conflicts_enabled)
        if verdict is None or verdict.action == "add":
            fresh = WorkingSet([m for m in current.memories if m.id not in self.snapshot])
            decision = self.offline.decide(draft, fresh, conflicts_enabled=conflicts_enabled)
            if decision.target is None and verdict is None:  # not shown to the model: an explicit end still ends
                ended = self.offline.decide(draft, current, conflicts_enabled=conflicts_enabled)
                if ended.ended:
                    return ended
            return decision if decision.target is not None else Decision("add")
        target = next((m for m in current.memories if m.id == verdict.target_id), None)
        if target is None:
            if verdict.action == "ignore" and verdict.target_id is None:
                return Decision("ignore", None, verdict.reason)
            return self.offline.decide(draft, current, conflicts_enabled=conflicts_enabled)
        if verdict.action == "ignore":
            return Decision("repeat", target, verdict.reason or "same statement")
        if verdict.action == "update":
            return Decision("update", target, "UPDATED")
        if conflicts_enabled:
            return Decision("conflict", target, verdict.reason or "The statements disagree.")
        return Decision("update", target, "CONTRADICTED")

    def clarify(self, draft: Draft, target: MemoryRecord) -> tuple[list[dict[str, Any]],
                                                                   dict[str, dict[str, str]]] | None:
        found = self.clarified.get(id(draft))
        return (found[1], found[2]) if found is not None and found[0] == target.id else None


class LLMConsolidator:
    """Implements ``PreparingConsolidator``: ``prepare`` returns the session's ``SessionConsolidator``."""

    def __init__(self, runner: StepRunner, current: Callable[[str], list[MemoryRecord]]) -> None:
        self.runner = runner
        self.current = current  # the user's current memories, read in a short transaction of its own
        self.offline = OfflineConsolidator()

    def decide(self, draft: Draft, current: WorkingSet, *, conflicts_enabled: bool) -> Decision:
        return self.offline.decide(draft, current, conflicts_enabled=conflicts_enabled)  # only without prepare

    def prepare(self, ctx: ProcessingContext, drafts: list[Draft]) -> SessionConsolidator:
        try:
            memories = self.current(ctx.user.id) if drafts else []
            session = SessionConsolidator(snapshot={m.id for m in memories})
            working = WorkingSet(memories)
            asked: list[tuple[Draft, list[MemoryRecord]]] = []
            for draft in drafts:
                same = working.same_text(draft.content)
                if same is not None:
                    session.verdicts[id(draft)] = _Verdict("ignore", same.id, "same statement")
                    continue
                related = _neighbours(draft, working)
                if related:
                    asked.append((draft, related))
            for verdicts in self.runner.map(lambda batch: self._ask(batch, session), self._batches(asked)):
                session.verdicts.update(verdicts)
            if conflicts_enabled(ctx):
                self._clarify(ctx, drafts, working, session)
            return session
        finally:
            self.runner.flush()

    def _batches(self, asked: list[tuple[Draft, list[MemoryRecord]]]) -> list[list[tuple[Draft, list[MemoryRecord]]]]:
        """Up to ``BATCH`` new memories a request, fewer when their statements would not fit the input budget."""
        budget = self.runner.input_budget - PROMPT_TOKENS
        out: list[list[tuple[Draft, list[MemoryRecord]]]] = [[]]
        shown: set[str] = set()
        used = 0
        for draft, related in asked:
            cost = estimate_tokens(draft.content) + 24 + sum(
                estimate_tokens(m.content) + 16 for m in related if m.id not in shown)
            if out[-1] and (used + cost > budget or len(out[-1]) >= BATCH):
                out.append([])
                shown, used = set(), 0
                cost = estimate_tokens(draft.content) + 24 + sum(estimate_tokens(m.content) + 16 for m in related)
            out[-1].append((draft, related))
            shown.update(m.id for m in related)
            used += cost
        return [batch for batch in out if batch]

    def _ask(self, batch: list[tuple[Draft, list[MemoryRecord]]], session: SessionConsolidator) -> dict[int, _Verdict]:
        if not self.runner.available(consolidation.TASK):
            session.undecided.update(id(draft) for draft, _ in batch)
            return {}
        refs: dict[str, str] = {}  # memory id -> "E<n>"
        existing: list[consolidation.Existing] = []
        new: list[consolidation.NewMemory] = []
        for number, (draft, related) in enumerate(batch, 1):
            for memory in related:
                if memory.id not in refs:
                    refs[memory.id] = f"E{len(refs) + 1}"
                    existing.append(consolidation.Existing(refs[memory.id], memory.content, memory.event_date_start))
            new.append(consolidation.NewMemory(number, draft.content, draft.event_start,
                                               tuple(refs[m.id] for m in related)))
        try:
            answer = self.runner.caller.ask(consolidation.prompt(consolidation.ConsolidationContext(new, existing)),
                                            self.runner.meter, max_tokens=TOKENS_PER_DECISION * len(batch)
                                            + DECISION_MARGIN, check=_decided)
        except LLMError as error:
            self.runner.failed(consolidation.TASK, error)
            session.undecided.update(id(draft) for draft, _ in batch)
            return {}
        by_ref = {ref: memory_id for memory_id, ref in refs.items()}
        out: dict[int, _Verdict] = {}
        for verdict in answer.decisions:
            if not 1 <= verdict.new <= len(batch):
                continue
            draft, related = batch[verdict.new - 1]
            target = by_ref.get(verdict.target or "")
            if verdict.action in ("update", "conflict") and target not in {m.id for m in related}:
                continue  # a reference the model made up, or one not shown with this memory: offline rules
            out[id(draft)] = _Verdict(verdict.action, target, verdict.reason)
        session.undecided.update(id(draft) for draft, _ in batch if id(draft) not in out)
        return out

    def _clarify(self, ctx: ProcessingContext, drafts: Sequence[Draft], working: WorkingSet,
                 session: SessionConsolidator) -> None:
        by_id = {m.id: m for m in working.memories}
        pending = [(d, session.verdicts[id(d)]) for d in drafts
                   if id(d) in session.verdicts and session.verdicts[id(d)].action == "conflict"]
        by_position = {m.position: m for m in ctx.messages}

        def ask(item: tuple[Draft, _Verdict]) -> None:
            draft, verdict = item
            target = by_id.get(verdict.target_id or "")
            if target is None:
                return
            excerpt = [f"{by_position[s].role}: {by_position[s].content[:400]}" for s in draft.sources
                       if s in by_position]
            prompt = clarification.prompt(clarification.ClarificationContext(
                draft.content, [target.content], verdict.reason, excerpt))
            if not self.runner.available(clarification.TASK):
                return
            try:
                answer = self.runner.caller.ask(prompt, self.runner.meter, max_tokens=CLARIFICATION_TOKENS)
            except LLMError as error:  # the built-in question is always usable, whatever llm_fallback says
                self.runner.meter.fallback(clarification.TASK)
                log.warning("%s: LLM clarification failed, asking the built-in question: %s", self.runner.label,
                            error.message)
                return
            questions: list[dict[str, Any]] = [{"question": q.question, "options": [o.text for o in q.options]}
                                               for q in answer.questions]
            outcomes: dict[str, dict[str, str]] = {q.question: {o.text: str(o.outcome) for o in q.options}
                                                   for q in answer.questions}
            session.clarified[id(draft)] = (target.id, questions, outcomes)

        self.runner.map(ask, pending)


def _decided(answer: consolidation.ConsolidationResponse) -> str | None:
    """An answer whose every decision was unusable is asked again; one bad decision only drops itself."""
    if answer.decisions or not answer.dropped:
        return None
    return (f"none of the {answer.dropped} decisions is complete: each needs \"new\" (a number) and \"action\" "
            "(add, update, conflict or ignore)")


def _neighbours(draft: Draft, working: WorkingSet) -> list[MemoryRecord]:
    """The current memories a draft may repeat, update or contradict: most similar first."""
    found: dict[str, MemoryRecord] = {}
    if draft.slot:
        for memory in working.same_slot(draft.subject, draft.slot)[-2:]:
            found[memory.id] = memory
    if draft.embedding is not None:
        for memory, _ in working.similar(draft.embedding, NEIGHBOUR_COSINE)[:MAX_NEIGHBOURS]:
            found.setdefault(memory.id, memory)
    return list(found.values())[:MAX_NEIGHBOURS + 2]
