"""``get_context``: recall what matters for the current turn, in tens of milliseconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from ...embedding import Embedder
from ...exceptions import ValidationError
from ...language.dates import TimeSpan
from ...language.dates.ages import asks_about_time
from ...language.dates.format import until_text
from ...language.secrets import redact
from ...store import Database, Tx, now_us
from ...store import memories as memory_store
from ...store import messages as message_store
from ...store.records import MessageRecord, to_dt, to_us
from ...types import RecallStrategy
from ..resources import validation
from ..resources.sessions import require_session
from ..resources.users import require_user
from ..telemetry import NoTelemetry, Telemetry
from . import windows
from .context import Line, render
from .excerpts import SourceExcerpt, message_excerpt, source_excerpts
from .index import Corpus, IndexCache, UserIndex
from .query import RecallQuery, build_query, informative
from .search import MEMORY_LEXICAL_WEIGHT, Ranked, dense, diversify, fuse, lexical, overlapping, rows_of, select
from .strategies import RECIPES, Recipe, choose
from .updates import latest_first

Progress = Callable[[str], None]
PLANNED = (RecallStrategy.AGENTIC, RecallStrategy.DEEP, RecallStrategy.AUTO)


class QueryPlanner(Protocol):
    """Plans agentic, deep and auto recall with a model (``recallr.llm.planner``): query, strategy, notes."""

    def plan(self, query: RecallQuery, turns: list[MessageRecord], now: datetime, *, requested: RecallStrategy,
             chosen: RecallStrategy, session_id: str) -> tuple[RecallQuery, RecallStrategy, list[str]]: ...


@dataclass(frozen=True)
class RecallParams:
    """``get_context`` parameters with their documented ranges."""

    strategy: RecallStrategy = RecallStrategy.BALANCED
    min_top_k: int = 15
    max_top_k: int = 50
    memories_threshold: float = 0.6
    summaries_threshold: float = 0.5
    last_n_messages: int | None = None
    last_n_summaries: int | None = None
    timezone: str | None = None
    include_metadata_ids: bool = False

    def zone(self) -> tzinfo:
        if self.timezone is None:
            return UTC
        validation.timezone_name(self.timezone)  # ZoneInfo fails oddly (OSError) on very long names
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError) as error:
            raise ValidationError(f"timezone {self.timezone!r} is not a known IANA timezone name") from error

    def check(self) -> None:
        if self.min_top_k > self.max_top_k:
            raise ValidationError(f"min_top_k ({self.min_top_k}) must not exceed max_top_k ({self.max_top_k})")
        self.zone()


@dataclass(frozen=True)
class RecallSources:
    """What a context was built from (asked for with ``include_metadata_ids``)."""

    memory_ids: list[str]
    session_ids: list[str]
    keywords: list[str]
    vector_search_queries: list[str]
    summary_search_queries: list[str]
    date_range: TimeSpan | None  # the event-date filter the query implied
    messages: list[tuple[str, int]]  # (session_id, message_index) behind the memories, summaries and messages
    reasoning: str | None = None  # agentic and deep recall: what the search did


@dataclass(frozen=True)
class RecallTrace:
    """How recall ran; the HTTP layer turns it into the response's ``metadata``."""

    strategy: RecallStrategy
    sources: RecallSources | None = None


@dataclass(frozen=True)
class RecallResult:
    context: str
    trace: RecallTrace


@dataclass
class _Found:
    memories: list[Ranked] = field(default_factory=list)
    past: list[int] = field(default_factory=list)
    summaries: list[int] = field(default_factory=list)
    latest: set[int] = field(default_factory=set)  # summaries asked for by last_n_summaries
    messages: list[int] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    excerpts: list[SourceExcerpt | None] = field(default_factory=list)  # per memory: what its source adds
    notes: dict[int, str] = field(default_factory=dict)  # memory row -> note ("earlier statement, before ...")


class Recall:
    """Builds the context for a session's current turn."""

    def __init__(self, db: Database, embedder: Callable[[], Embedder], *, cache: IndexCache | None = None,
                 planner: Callable[[str], QueryPlanner | None] | None = None, ef_search: int = 200,
                 telemetry: Telemetry | None = None) -> None:
        self.db = db
        self.telemetry = telemetry or NoTelemetry()
        self.ef_search = ef_search  # HNSW search breadth for users with a vector index of their own (windows.py)
        self.embedder = embedder
        self.cache = cache or IndexCache()
        self.planner = planner  # the project's model planner (LLM mode), consulted for PLANNED strategies

    def context(self, project_id: str, custom_user_id: str, session_id: str, params: RecallParams,
                progress: Progress | None = None) -> RecallResult:
        """The context for the session's current turn (its latency reported to telemetry by strategy asked)."""
        started, ok = time.perf_counter(), False
        try:
            result = self._context(project_id, custom_user_id, session_id, params, progress)
            ok = True
            return result
        finally:
            self.telemetry.recall(params.strategy.value, time.perf_counter() - started, ok=ok)

    def _context(self, project_id: str, custom_user_id: str, session_id: str, params: RecallParams,
                 progress: Progress | None) -> RecallResult:
        params.check()
        say = progress or (lambda _: None)
        planner = self.planner(project_id) if self.planner is not None and params.strategy in PLANNED else None
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            session = require_session(tx, user, session_id)
            wanted = max(6, params.last_n_messages or 0)  # the query needs the last few turns only
            page = message_store.list_messages(tx, session.id, offset=max(0, session.message_count - wanted),
                                               limit=wanted)[0]
            # The query, the planner's prompt and the context see the turns with secrets redacted.
            turns = [replace(t, content=redact(t.content)) for t in page]
            now = session.clock(now_us())
            query = build_query(turns, now)
            strategy = choose(query) if params.strategy == RecallStrategy.AUTO else params.strategy
            if query.is_empty or strategy == RecallStrategy.LOW_LATENCY:
                planner = None  # nothing to plan: small talk (auto) or no message yet
            if planner is None:
                index, found, sources = self._gather(tx, user.id, session.id, query, strategy, params, say)
        if planner is not None:  # the model call runs outside any transaction
            say("Planning the search")
            query, strategy, notes = planner.plan(query, turns, now, requested=params.strategy, chosen=strategy,
                                                  session_id=session.id)
            with self.db.read() as tx:
                index, found, sources = self._gather(tx, user.id, session.id, query, strategy, params, say)
            found.reasoning[:0] = notes
        say("Composing context")
        return self._compose(now, params, strategy, query, index, found, sources, turns, session.id)

    def _gather(self, tx: Tx, user_id: str, session_id: str, query: RecallQuery, strategy: RecallStrategy,
                params: RecallParams, say: Progress) -> tuple[UserIndex, _Found, dict[str, list[tuple[str, int]]]]:
        say(f"Searching memories ({strategy.value})")
        index, found = self.cache.get(tx, user_id, self.embedder().dim), _Found()
        if not query.is_empty:
            index, found = self._search(tx, user_id, session_id, index, query, RECIPES[strategy], params)
            found.excerpts = source_excerpts(tx, [index.memories.ids[r.row] for r in found.memories],
                                             [index.memories.texts[r.row] for r in found.memories],
                                             question=query.text)
        wanted = [index.memories.ids[r.row] for r in found.memories] if params.include_metadata_ids else []
        return index, found, memory_store.sources(tx, wanted)  # provenance is only reported in metadata

    # -- search --------------------------------------------------------------------------------------------
    def _search(self, tx: Tx, user_id: str, session_id: str, index: UserIndex, query: RecallQuery,
                recipe: Recipe, params: RecallParams) -> tuple[UserIndex, _Found]:
        texts = [query.text, *query.context[-2:]]
        extra = (query.sub_questions + query.entities) if recipe.decompose else []
        vectors = self.embedder().embed(texts + extra)
        main = vectors[0] if len(texts) == 1 else _normalise(0.75 * vectors[0] + 0.25 * vectors[1:len(texts)].mean(0))
        queries = np.vstack([main[None, :], vectors[len(texts):]])
        terms = query.keywords + [e.lower() for e in query.entities]
        memory_hits = _lexical(tx, index, "memories", terms, user_id=user_id, pool=recipe.pool,
                               extra_where="t.expired_at IS NULL") if recipe.lexical else []
        message_hits = _lexical(tx, index, "messages", terms, user_id=user_id, pool=recipe.pool) \
            if recipe.raw_messages else []
        if index.centers:  # a very large user: load only this query's candidates (windows.py)
            index = windows.narrow(tx, user_id, index, queries, pool=recipe.pool, message_pool=recipe.pool // 2,
                                   breadth=self.ef_search, memory_hits=memory_hits, message_hits=message_hits)
        found = _Found()
        span = query.date_range if recipe.temporal else None
        updated = latest_first(self._memories(index.memories, queries, memory_hits, recipe, params, span),
                               index.memories, limit=params.max_top_k)
        found.memories, found.notes = updated.memories, updated.notes
        if recipe.decompose:
            found.reasoning.append(f"Decomposed the request into {len(extra)} searches: {extra}." if extra else
                                   "The request is a single question; searched it directly.")
        if recipe.expand and found.memories:
            self._expand(tx, index, found, main, params)
        if recipe.expand or query.about_past:
            chains = {index.memories.extra[r.row]["chain_id"] for r in found.memories}
            windows.past(tx, user_id, index, chains, main)
            found.past = self._past(index, main, chains)
        if recipe.summaries:
            found.summaries = _above(index.summaries, main, params.summaries_threshold, recipe.summaries)
        if params.last_n_summaries:
            latest = [int(i) for i in np.argsort(-index.summaries.start)[: params.last_n_summaries]]
            found.summaries = list(dict.fromkeys([*found.summaries, *latest]))
            found.latest = set(latest)
        if recipe.raw_messages:
            found.messages = self._messages(tx, session_id, index, main, message_hits, recipe, span, found)
        return index, found

    @staticmethod
    def _memories(corpus: Corpus, queries: np.ndarray, hits: list[Any], recipe: Recipe, params: RecallParams,
                  span: Any) -> list[Ranked]:
        """Memories for the main query (column 0) and any sub-queries: one matrix product over the corpus."""
        scores = corpus.matrix @ queries.T if len(corpus) else np.zeros((0, len(queries)), np.float32)
        cosines = scores[:, 0]  # thresholds apply to plain cosines; ranking to centred ones
        centred = scores - corpus.typicality()[:, None] if len(corpus) else scores
        rankings: list[tuple[list[int], float]] = [(dense(centred[:, 0], recipe.pool), 1.0)]
        rankings += [(dense(centred[:, j], recipe.pool // 2), 0.6) for j in range(1, scores.shape[1])]
        if recipe.lexical:
            rankings.append((rows_of(corpus, hits), MEMORY_LEXICAL_WEIGHT))
        ranked = fuse(rankings, cosines, mask=overlapping(corpus, span), boost=0.02)
        above = int((cosines >= params.memories_threshold).sum())  # select() keeps no more than this or min_k
        ranked = diversify(ranked, corpus, min(params.max_top_k, max(params.min_top_k, above)))
        return select(ranked, threshold=params.memories_threshold, min_k=params.min_top_k, max_k=params.max_top_k)

    @staticmethod
    def _expand(tx: Tx, index: UserIndex, found: _Found, main: np.ndarray, params: RecallParams) -> None:
        """Add memories connected to the best hits (multi-hop), while staying within max_top_k."""
        top_chains = [index.memories.extra[r.row]["chain_id"] for r in found.memories[:5]]
        linked = memory_store.connected(tx, top_chains, limit=5)
        windows.include(tx, index, [memory.id for chain in top_chains for memory in linked.get(chain, [])])
        corpus = index.memories
        have = {r.row for r in found.memories}
        added = 0
        for chain in top_chains:
            for memory in linked.get(chain, []):
                row = corpus.row_of(memory.id)
                if row is not None and row not in have and len(found.memories) < params.max_top_k:
                    found.memories.append(Ranked(row, 0.0, float(corpus.matrix[row] @ main)))
                    have.add(row)
                    added += 1
        found.reasoning.append(f"Followed connections of the top memories and added {added} connected memories.")

    @staticmethod
    def _past(index: UserIndex, main: np.ndarray, chains: set[str]) -> list[int]:
        rows = [i for i, chain in enumerate(index.expired.extra.column("chain_id")) if chain in chains]
        rows += dense(index.expired.cosine(main), 5)
        return list(dict.fromkeys(rows))[:10]

    @staticmethod
    def _messages(tx: Tx, session_id: str, index: UserIndex, main: np.ndarray, hits: list[Any], recipe: Recipe,
                  span: Any, found: _Found) -> list[int]:
        corpus = index.messages
        cosines = corpus.cosine(main)
        rankings = [(dense(cosines - corpus.typicality(), recipe.pool), 1.0), (rows_of(corpus, hits), 1.2)]
        ranked = fuse(rankings, cosines, mask=overlapping(corpus, span), boost=0.02)
        covered = set()
        memory_ids = [index.memories.ids[r.row] for r in found.memories]
        for sources in memory_store.sources(tx, memory_ids).values():
            covered.update(sources)
        chosen: list[int] = []
        for r in ranked:
            key = (corpus.session_ids[r.row], corpus.extra[r.row]["position"])
            if corpus.session_ids[r.row] != session_id and key not in covered and informative(corpus.texts[r.row]):
                chosen.append(r.row)
                if len(chosen) >= recipe.raw_messages:
                    break
        return chosen

    # -- compose -------------------------------------------------------------------------------------------
    def _compose(self, now: datetime, params: RecallParams, strategy: RecallStrategy, query: RecallQuery,
                 index: UserIndex, found: _Found, sources: dict[str, list[tuple[str, int]]],
                 turns: list[MessageRecord], session_id: str) -> RecallResult:
        mem, old, summ, msg = index.memories, index.expired, index.summaries, index.messages
        recent = turns[-params.last_n_messages:] if params.last_n_messages else []
        text = render(
            now=now, tz=params.zone(), tz_name=params.timezone or "UTC",
            memories=[_memory_line(mem, r.row, cut, params.zone(), found.notes.get(r.row, ""))
                      for r, cut in zip(found.memories, found.excerpts or [None] * len(found.memories), strict=True)],
            past=[Line(old.texts[i], int(old.start[i]), int(old.end[i]), _until(old.extra[i]["expired_at"]))
                  for i in found.past],
            summaries=[Line(summ.texts[i], int(summ.start[i]), int(summ.end[i]), asked=i in found.latest)
                       for i in found.summaries],
            messages=[Line(message_excerpt(msg.texts[i], query.text), int(msg.start[i]), int(msg.end[i]))
                      for i in found.messages],
            recent=[Line(f"{t.role}: {t.content}", to_us(t.timestamp), to_us(t.timestamp)) for t in recent],
            ages=asks_about_time(query.text),
        )
        trace = RecallTrace(strategy, self._ids(index, found, sources, query, strategy, recent, session_id)
                            if params.include_metadata_ids else None)
        return RecallResult(text, trace)

    @staticmethod
    def _ids(index: UserIndex, found: _Found, sources: dict[str, list[tuple[str, int]]], query: RecallQuery,
             strategy: RecallStrategy, recent: list[MessageRecord], session_id: str) -> RecallSources:
        mem, summ, msg = index.memories, index.summaries, index.messages
        memory_ids = [mem.ids[r.row] for r in found.memories] + [index.expired.ids[i] for i in found.past]
        refs: dict[tuple[str, int], None] = {}
        for memory_id in memory_ids:
            for ref in sources.get(memory_id, []):
                refs.setdefault(ref)
        for i in found.summaries:
            for position in summ.extra[i]["sources"]:
                refs.setdefault((summ.session_ids[i], position))
        for i in found.messages:
            refs.setdefault((msg.session_ids[i], msg.extra[i]["position"]))
        for turn in recent:
            refs.setdefault((session_id, turn.position))
        session_ids = list(dict.fromkeys(
            [mem.session_ids[r.row] for r in found.memories] + [summ.session_ids[i] for i in found.summaries]
            + [msg.session_ids[i] for i in found.messages] + [s for s, _ in refs]))
        reasoning = None
        if strategy in (RecallStrategy.AGENTIC, RecallStrategy.DEEP):
            reasoning = " ".join(found.reasoning) or "Searched memories, summaries and messages."
        return RecallSources(memory_ids, session_ids, list(query.keywords),
                             [query.text, *query.sub_questions, *query.entities], [query.text], query.date_range,
                             list(refs), reasoning)


def _lexical(tx: Tx, index: UserIndex, table: str, terms: list[str], *, user_id: str, pool: int,
             extra_where: str = "") -> list[Any]:
    """Full-text hits (ids) in the memories or messages of the user, unless the user has none to search."""
    resident = index.memories if table == "memories" else index.messages
    if not len(resident) and table not in index.centers:
        return []
    return lexical(tx, table, terms, user_id=user_id, pool=pool, extra_where=extra_where)


def _normalise(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _above(corpus: Corpus, vector: np.ndarray, threshold: float, limit: int) -> list[int]:
    if not len(corpus):
        return []
    scores = corpus.cosine(vector)
    return [int(i) for i in np.argsort(-scores)[:limit] if scores[i] >= threshold]


def _memory_line(corpus: Corpus, row: int, cut: SourceExcerpt | None, tz: tzinfo, note: str = "") -> Line:
    """A memory's line: its text, then a note that it is an earlier statement, then what its source adds."""
    start, end = int(corpus.start[row]), int(corpus.end[row])
    return Line(corpus.texts[row], start, end, note + (cut.note(start, end, tz) if cut else ""))


def _until(expired_at: int | None) -> str:
    return until_text(to_dt(expired_at))
