"""The memory-formation stage: extract -> date -> embed -> consolidate -> connect -> summarise.

Each step sits behind a small protocol (``Extractor``, ``Consolidator``, ``Summarizer``) with an offline
implementation here; the LLM mode (``recallr.llm``) implements them again. ``steps`` picks them per session
(a project's mode and extraction rules). ``prepare`` extracts, summarises and embeds without writing (a
``PreparingConsolidator`` also decides against the memories current then, so no model call happens under
the write lock); ``write`` plans against the memories current now, inside the session's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ...embedding import Embedder
from ...language.categories import DEFAULT_CATEGORIES, Category
from ...language.dates import event_span, with_absolute_date
from ...language.extraction import ExtractionRules, Turn, extract
from ...language.extraction.text import content_words
from ...language.secrets import redact
from ...store import Tx, now_us
from ...store import conflicts as conflict_store
from ...store import memories as memory_store
from ...store import summaries as summary_store
from ...store.memories import MemoryRecord
from ...store.records import MessageRecord
from ...store.summaries import SummaryRecord
from ..processing.pipeline import STAND_INS, Output, ProcessingContext, StandIns
from .categories import CategoryMeaning
from .consolidation import OfflineConsolidator, WorkingSet, recount
from .plan import BOTH, ConflictDraft, Decision, Draft, FormationPlan, ProposedMemory
from .ports import Clarifier, Consolidator, Extractor, FormationSteps, PreparingConsolidator, Summarizer
from .summaries import OfflineSummarizer

_IDS = uuid.UUID("6f1c3c52-8f0e-4d38-9a57-5d3f0b1c2a77")
MAX_CONNECTIONS = 5
# Share of a message's content words its memories must hold to stand for it in dense search: 0.5 leaves 1 message in
# 13 of those drawn into memories (LoCoMo) to be embedded itself, a tenth more tokens to embed than with none.
STAND_IN_COVERAGE = 0.5


@dataclass(frozen=True)
class PreparedFormation:
    """``FormMemories``' output: the session's dated, embedded drafts, its summary, and the consolidator to use."""

    drafts: list[Draft]
    summary: SummaryRecord
    consolidator: Consolidator


FORMED = Output[PreparedFormation]("form_memories")


class OfflineExtractor:
    """Rule-based extraction with event dates resolved against each message's timestamp.

    ``rules`` are the project's "never remember" / "always remember" entries.
    """

    def __init__(self, rules: ExtractionRules | None = None) -> None:
        self.rules = rules

    def extract(self, messages: Sequence[MessageRecord], categories: Sequence[Category]) -> list[Draft]:
        turns = [Turn(m.position, "assistant" if m.role == "assistant" else "user", m.content, m.timestamp)
                 for m in messages]
        by_index = {m.position: m for m in messages}
        drafts: list[Draft] = []
        for candidate in extract(turns, categories, instructions=self.rules):
            moment = by_index[candidate.sources[0]].timestamp
            span = event_span(candidate.source_text, moment)
            content = with_absolute_date(candidate.content, span) if span.relative else candidate.content
            drafts.append(Draft(content=content, categories=list(candidate.categories),
                                sources=list(candidate.sources), event_start=span.start, event_end=span.end,
                                subject=candidate.subject, slot=candidate.slot, value=candidate.value,
                                entities=list(candidate.entities), change_marker=candidate.change_marker,
                                negated=candidate.negated, lexical_categories=True))
        return drafts


def conflicts_enabled(ctx: ProcessingContext) -> bool:
    if ctx.user.merge_conflict_enabled is not None:
        return ctx.user.merge_conflict_enabled
    return ctx.project.merge_conflicts_enabled


class FormMemories:
    """The pipeline stage that turns a session into memories, conflicts, connections and a summary."""

    name = "form_memories"

    def __init__(self, embedder: Callable[[], Embedder], *, extractor: Extractor | None = None,
                 consolidator: Consolidator | None = None, summarizer: Summarizer | None = None,
                 steps: Callable[[ProcessingContext], FormationSteps] | None = None) -> None:
        self.embedder = embedder
        self.extractor = extractor or OfflineExtractor()
        self.consolidator = consolidator or OfflineConsolidator()
        self.summarizer = summarizer or OfflineSummarizer()
        self.steps = steps
        self.meaning = CategoryMeaning()  # category texts' vectors, kept across sessions

    # -- prepare: everything that does not depend on the user's current memories, outside any write lock --
    def prepare(self, ctx: ProcessingContext) -> None:
        steps = self.steps(ctx) if self.steps is not None else \
            FormationSteps(self.extractor, self.consolidator, self.summarizer)
        drafts = steps.extractor.extract(ctx.messages, ctx.categories)
        texts = [d.content for d in drafts]
        ctx.hand_on(STAND_INS, stand_ins(ctx.messages, drafts))  # before any embedding: those are not embedded
        summary_text, summary_sources = steps.summarizer.summarize(ctx.session.created_at, ctx.messages, drafts)
        summary_text = redact(summary_text)  # whichever summarizer wrote it (a model, or messages quoted offline)
        # One batch with the messages (IndexMessages wanted them) and any category text not embedded yet.
        embeddings = ctx.embeddings(self.embedder)
        categories = ctx.categories or DEFAULT_CATEGORIES
        if any(d.lexical_categories for d in drafts):
            self.meaning.want(categories, embeddings)
        vectors = embeddings.vectors([*texts, summary_text])
        for draft, vector in zip(drafts, vectors[:-1], strict=True):
            draft.embedding = vector
        self.meaning.assign(drafts, categories, embeddings)
        summary = SummaryRecord(id=str(uuid.uuid5(_IDS, f"{ctx.session.id}:summary")), session_id=ctx.session.id,
                                user_id=ctx.user.id, content=summary_text, session_date=ctx.session.created_at,
                                sources=summary_sources, embedding=vectors[-1])
        consolidator = steps.consolidator
        if isinstance(consolidator, PreparingConsolidator):
            consolidator = consolidator.prepare(ctx, drafts)
        ctx.hand_on(FORMED, PreparedFormation(drafts, summary, consolidator))

    # -- write: consolidate against the memories current now, inside the session's transaction ---------------
    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        prepared = ctx.output(FORMED)
        tx.dialect.lock_user(tx, ctx.user.id)
        real = now_us()  # one instant for the whole write: memories, expiries, conflicts and summary agree
        plan = self.plan(ctx, prepared.drafts, memory_store.current(tx, ctx.user.id),
                         consolidator=prepared.consolidator, now=ctx.session.clock(real))
        self._embed_reworded(plan, prepared.drafts)
        plan.summary = prepared.summary
        apply_plan(tx, ctx, plan, real_us=real)

    def _embed_reworded(self, plan: FormationPlan, drafts: list[Draft]) -> None:
        """Embed the memories consolidation reworded (an ended state with its detail): recall searches their text."""
        said = {d.content for d in drafts}
        reworded = [n for n, (m, _) in enumerate(plan.new_memories) if m.content not in said]
        if not reworded:
            return
        vectors = self.embedder().embed([plan.new_memories[n][0].content for n in reworded])
        for n, vector in zip(reworded, vectors, strict=True):
            memory, sources = plan.new_memories[n]
            plan.new_memories[n] = (replace(memory, embedding=vector), sources)

    def plan(self, ctx: ProcessingContext, drafts: list[Draft], current: list[MemoryRecord], *,
             consolidator: Consolidator | None = None, now: datetime | None = None) -> FormationPlan:
        """Decide, draft by draft, what this session changes (pure: reads nothing, writes nothing); ``now`` is the
        session's clock at the write (by default, at this call)."""
        plan = FormationPlan()
        now = now if now is not None else ctx.session.clock(now_us())
        working = WorkingSet(current)
        enabled = conflicts_enabled(ctx)
        decider = consolidator or self.consolidator
        for n, draft in enumerate(drafts):
            decision = decider.decide(draft, working, conflicts_enabled=enabled)
            self._apply(ctx, plan, working, n, draft, decision, now, decider)
            if decision.action == "add":
                self._recount(ctx, plan, working, n, draft, now)
        self._connect(plan, working)
        return plan

    def _apply(self, ctx: ProcessingContext, plan: FormationPlan, working: WorkingSet, n: int,
               draft: Draft, decision: Decision, now: datetime, decider: Consolidator) -> None:
        sources = [(ctx.session.id, i) for i in draft.sources]
        target = decision.target
        if decision.action == "repeat" and target is not None:
            fresh = next((s for m, s in plan.new_memories if m.id == target.id), None)
            (fresh if fresh is not None else plan.added_sources.setdefault(target.id, [])).extend(sources)
            return
        if decision.action == "conflict" and target is not None:
            clarified = decider.clarify(draft, target) if isinstance(decider, Clarifier) else None
            plan.conflicts.append(self._conflict(ctx, n, draft, target, decision.reason, sources, now, clarified))
            plan.flagged.append(target.id)
            return
        if decision.action == "ignore":
            return
        memory_id = str(uuid.uuid5(_IDS, f"{ctx.session.id}:{n}"))
        chain_id, version = memory_id, 1
        if decision.action == "update" and target is not None:
            chain_id, version = target.chain_id, target.version_number + 1
            plan.expirations.append((target.id, decision.reason or "UPDATED"))
            working.remove(target)
        memory = MemoryRecord(
            id=memory_id, user_id=ctx.user.id, session_id=ctx.session.id, chain_id=chain_id, version_number=version,
            content=draft.content, categories=draft.categories, event_date_start=draft.event_start,
            event_date_end=draft.event_end, created_at=now, subject=draft.subject, slot=draft.slot,
            value=draft.value, entities=draft.entities, negated=draft.negated, embedding=draft.embedding,
        )
        if decision.ended and target is not None:
            memory = _ending_version(memory, decision, target)
        plan.new_memories.append((memory, sources))
        working.add(memory)

    @staticmethod
    def _recount(ctx: ProcessingContext, plan: FormationPlan, working: WorkingSet, n: int, draft: Draft,
                 now: datetime) -> None:
        """The next version of a count that ``draft`` adds to ("User has 38 coins" once "User added a new coin")."""
        found = recount(draft, working)
        if found is None:
            return
        target, content = found
        plan.expirations.append((target.id, "UPDATED"))
        working.remove(target)
        memory = replace(target, id=str(uuid.uuid5(_IDS, f"{ctx.session.id}:{n}:count")), session_id=ctx.session.id,
                         version_number=target.version_number + 1, content=content, event_date_start=draft.event_start,
                         event_date_end=draft.event_end, created_at=now, merge_conflict_id=None,
                         merge_conflict_in_progress=False)  # its vector: embedded with the reworded (write)
        plan.new_memories.append((memory, [(ctx.session.id, i) for i in draft.sources]))
        working.add(memory)

    @staticmethod
    def _conflict(ctx: ProcessingContext, n: int, draft: Draft, target: MemoryRecord, reason: str,
                  sources: list[tuple[str, int]], now: datetime,
                  clarified: tuple[list[dict[str, Any]], dict[str, dict[str, str]]] | None = None) -> ConflictDraft:
        proposed = ProposedMemory(
            draft.content, tuple(draft.categories), subject=draft.subject, slot=draft.slot, value=draft.value,
            entities=tuple(draft.entities), negated=draft.negated, event_start=draft.event_start,
            event_end=draft.event_end, sources=tuple(sources), created_at=now,
        )
        questions = [{"question": f"Which is true now: \"{draft.content}\" or \"{target.content}\"?",
                      "options": [draft.content, target.content, BOTH]}]
        if clarified is not None:  # the model's questions; each option's outcome lets the answers be applied
            questions, outcomes = clarified
            proposed = replace(proposed, option_outcomes=outcomes)
        return ConflictDraft(id=str(uuid.uuid5(_IDS, f"{ctx.session.id}:{n}:conflict")), proposed=proposed,
                             conflicting=[{"memory_id": target.id, "reason": reason}], questions=questions)

    @staticmethod
    def _connect(plan: FormationPlan, working: WorkingSet) -> None:
        """Connect each new memory to the most recent current memories that share an entity with it."""
        for memory, _ in plan.new_memories:
            own = {e for e in memory.entities if e != (memory.subject or "").lower()}
            if not own:
                continue
            linked = 0
            for other in reversed(working.memories):
                if other.chain_id == memory.chain_id:
                    continue
                shared = own & set(other.entities)
                if shared:
                    plan.connections.append((memory.chain_id, other.chain_id, f"both mention {sorted(shared)[0]}"))
                    linked += 1
                    if linked >= MAX_CONNECTIONS:
                        break




def stand_ins(messages: Sequence[MessageRecord], drafts: Sequence[Draft]) -> StandIns:
    """The drafts that stand for each message they were drawn from in dense search (``StandIns``): those of a
    message whose content words they hold at least ``STAND_IN_COVERAGE`` of. A message that says more than its
    memories keep is embedded itself: recall's raw messages are there for the details extraction did not keep."""
    said: dict[int, list[str]] = {}
    for draft in drafts:
        for position in draft.sources:
            said.setdefault(position, []).append(draft.content)
    out: dict[int, list[str]] = {}
    for message in messages:
        texts = said.get(message.position)
        own = set(content_words(message.content))
        if texts and len(own & set(content_words(" ".join(texts)))) >= STAND_IN_COVERAGE * len(own):
            out[message.position] = texts
    return StandIns(out)


def _ending_version(memory: MemoryRecord, decision: Decision, target: MemoryRecord) -> MemoryRecord:
    """The version that ends ``target``: negated, in its slot, worded with its detail, about what both mention."""
    categories = list(dict.fromkeys([*memory.categories, *target.categories]))
    if len(categories) > 1 and "other" in categories:
        categories.remove("other")
    return replace(memory, content=decision.content or memory.content, negated=True,
                   slot=memory.slot or target.slot, value=memory.value or target.value,
                   entities=list(dict.fromkeys([*memory.entities, *target.entities])), categories=categories[:3])


def apply_plan(tx: Tx, ctx: ProcessingContext, plan: FormationPlan, *, real_us: int | None = None) -> None:
    """Write ``plan``, stamping everything with one instant: ``real_us`` (real time; by default now), which the
    session's clock turns into the memories' and expiries' time."""
    real = now_us() if real_us is None else real_us
    now = ctx.session.clock(real)
    for memory, sources in plan.new_memories:
        memory_store.insert(tx, memory, sources)
    for memory_id, reason in plan.expirations:  # after the inserts: a memory of this session may end here too
        memory_store.expire(tx, memory_id, reason=reason, when=now)
    for memory_id, sources in plan.added_sources.items():
        memory_store.add_sources(tx, memory_id, sources)
    for conflict in plan.conflicts:
        conflict_store.insert(tx, conflict_id=conflict.id, user_id=ctx.user.id, session_id=ctx.session.id,
                              proposed=conflict.proposed, conflicting=conflict.conflicting,
                              questions=conflict.questions, created_at_us=real)
    memory_store.set_conflict_flag(tx, plan.flagged, True)
    memory_store.connect(tx, ctx.user.id, plan.connections)
    if plan.summary is not None:
        summary_store.upsert(tx, plan.summary, created_at_us=real)
    memory_store.bump_revision(tx, ctx.user.id)
