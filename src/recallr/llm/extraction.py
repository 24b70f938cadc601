"""LLM extraction and summaries: a session in as few requests as the context window allows.

A session is cut into batches of consecutive messages that fit the model's input budget (and whose answer
fits the output budget); each batch is one request, answered with its memories and a summary of the batch,
and batches run in parallel. Each request asks for at most ``MAX_ANSWER_TOKENS_PER_MESSAGE`` tokens a message
plus ``ANSWER_MARGIN`` (never the model's maximum). A batch whose answer was cut off is split in two and the
halves asked (never the same request again); a batch that still fails runs through the offline extractor (or
fails the session, ``llm_fallback = fail``).

An answer is checked against what the task needs before it is used: items that are not statements (numbers,
copies of message lines, placeholders, first person that cannot be repaired) are dropped, and an answer with
no memories at all when some items were dropped, or when the offline extractor finds facts in the same
messages, is asked again once with the problem shown, then the batch runs offline: never 0 memories silently.

The model's memories become ``Draft``s like the offline ones: categories checked against the project's set,
sources checked against the batch, event dates as whole UTC days, and the project's "never remember" rules
and the secret filter applied again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from ..engine.formation import Draft, OfflineExtractor, OfflineSummarizer
from ..language.categories import Category, categorize
from ..language.dates import TimeSpan, event_span, format_span
from ..language.extraction.markers import find_entities, has_change_marker
from ..language.policy import (
    ExtractionRules,
    policy_for,  # the offline filter: rules and secrets
)
from ..prompts import extraction, summary
from ..prompts._chat import example_date_copied
from ..store.records import MessageRecord
from .config import ProjectRules
from .errors import LLMError, LLMOutputError
from .provider import estimate_tokens
from .steps import StepRunner

MAX_ANSWER_TOKENS_PER_MESSAGE = 48  # a message gives about one memory of this size: caps a batch's length
ANSWER_MARGIN = 256  # the summary and the JSON around the memories
MIN_BATCH_CAP = 20
SUMMARY_TOKENS = 400
EARLIER_CONTEXT = 2  # messages of the previous batch shown (not extracted) for continuity
_WORDS = re.compile(r"[a-z0-9]+")


def _lines(messages: Sequence[MessageRecord], limit_chars: int) -> list[extraction.Line]:
    return [extraction.Line(m.position, m.role, m.content if len(m.content) <= limit_chars
                            else m.content[:limit_chars] + " [...]", m.timestamp) for m in messages]


class LLMExtractor:
    """Implements ``Extractor`` for one session; keeps each batch's summary for ``LLMSummarizer``."""

    def __init__(self, runner: StepRunner, rules: ProjectRules) -> None:
        self.runner = runner
        self.rules = rules
        self.offline = OfflineExtractor(rules.extraction_rules())
        self.summaries: list[str | None] = []
        self.limit_chars = 100_000

    def _context(self, session_date: datetime, categories: Sequence[Category], lines: Sequence[extraction.Line],
                 earlier: Sequence[extraction.Line] = ()) -> extraction.ExtractionContext:
        rules = self.rules
        return extraction.ExtractionContext(
            session_date=session_date, messages=lines, earlier=earlier,
            categories=[(c.name, c.description) for c in categories], instructions=rules.instructions,
            never_remember=rules.never_remember, always_remember=rules.always_remember, examples=rules.examples,
            compact=self.runner.compact)

    def _budget(self, messages: Sequence[MessageRecord], categories: Sequence[Category]) -> int:
        """Tokens left for the messages of one request, after the instructions (rules, examples, categories)."""
        fixed = sum(estimate_tokens(m["content"]) for m in extraction.prompt(
            self._context(messages[0].timestamp, categories, [])).messages) + 64
        return max(256, self.runner.input_budget - fixed)

    def batches(self, messages: Sequence[MessageRecord], categories: Sequence[Category]) -> list[list[MessageRecord]]:
        """Consecutive messages, as many per batch as the input and output budgets allow."""
        if not messages:
            return []
        budget = self._budget(messages, categories)
        cap = max(MIN_BATCH_CAP, self.runner.max_output_tokens // MAX_ANSWER_TOKENS_PER_MESSAGE)
        out: list[list[MessageRecord]] = [[]]
        used = 0
        for message in messages:
            cost = min(estimate_tokens(message.content), budget) + 8
            if out[-1] and (used + cost > budget or len(out[-1]) >= cap):
                out.append([])
                used = 0
            out[-1].append(message)
            used += cost
        return out

    def extract(self, messages: Sequence[MessageRecord], categories: Sequence[Category]) -> list[Draft]:
        batches = self.batches(messages, categories)
        if batches:  # a message longer than a whole request is cut to fit (its end is not read)
            self.limit_chars = max(400, (self._budget(messages, categories) - 8 - EARLIER_CONTEXT * 80) * 4)
        earlier = [batches[i - 1][-EARLIER_CONTEXT:] if i else [] for i in range(len(batches))]
        jobs = [(batch, before, categories) for batch, before in zip(batches, earlier, strict=True)]
        results = self.runner.map(self._run, jobs)
        drafts: list[Draft] = []
        self.summaries = []
        for found, text in results:
            drafts.extend(found)
            self.summaries.append(text)
        return _merge(drafts)

    def _run(self, job: tuple[list[MessageRecord], list[MessageRecord], Sequence[Category]]
             ) -> tuple[list[Draft], str | None]:
        """One batch through the model, else (fallback) through the offline extractor."""
        batch, before, categories = job
        if self.runner.available(extraction.TASK):
            try:
                return self._ask(batch, before, categories)
            except LLMError as error:
                self.runner.failed(extraction.TASK, error)
        return self.offline.extract(batch, categories), None

    def _ask(self, batch: list[MessageRecord], before: list[MessageRecord],
             categories: Sequence[Category]) -> tuple[list[Draft], str | None]:
        ctx = self._context(batch[0].timestamp, categories, _lines(batch, self.limit_chars), _lines(before, 300))
        budget = MAX_ANSWER_TOKENS_PER_MESSAGE * len(batch) + ANSWER_MARGIN
        try:
            answer = self.runner.caller.ask(extraction.prompt(ctx), self.runner.meter, max_tokens=budget,
                                            check=lambda found: self._check(found, batch, categories))
        except LLMOutputError as error:
            if not error.truncated or len(batch) < 2:
                raise
            half = len(batch) // 2  # the answer did not fit: two smaller batches, each with its own fallback
            first, first_summary = self._run((batch[:half], before, categories))
            second, second_summary = self._run((batch[half:], batch[:half][-EARLIER_CONTEXT:], categories))
            joined = " ".join(s for s in (first_summary, second_summary) if s) or None
            return first + second, joined
        policy = policy_for(self.offline.rules or ExtractionRules())
        context = " ".join(m.content for m in batch)
        drafts = [d for d in (_draft(item, batch, categories, context) for item in answer.memories)
                  if d is not None and not policy.drops(d.content)]
        return drafts, answer.summary

    def _check(self, answer: extraction.ExtractionResponse, batch: Sequence[MessageRecord],
               categories: Sequence[Category]) -> str | None:
        """Why an answer without memories cannot be right (shown to the model), or None."""
        if answer.memories:
            return None
        if answer.dropped:
            return (f"none of the {answer.dropped} items in \"memories\" is a memory: each must be an object whose "
                    "\"content\" is a third-person statement such as \"User is allergic to peanuts.\"")
        if self.offline.extract(batch, categories):
            return ("\"memories\" is empty, but these messages state facts about the people in them: list them as "
                    "third-person statements")
        return None


def _snake(text: str) -> str:
    return "_".join(_WORDS.findall(text.lower())) or "user"


def _finish(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?\"'" else text + "."


def _best_source(content: str, batch: Sequence[MessageRecord]) -> int:
    """The message sharing most words with the statement (when the model named no usable source)."""
    words = set(_WORDS.findall(content.lower()))
    return max(batch, key=lambda m: len(words & set(_WORDS.findall(m.content.lower())))).position


def _day_span(start: date, end: date | None) -> tuple[datetime, datetime]:
    last = end if end is not None and end >= start else start
    return datetime.combine(start, time.min, UTC), datetime.combine(last, time.max, UTC)


def _draft(item: extraction.ExtractedMemory, batch: Sequence[MessageRecord],
           categories: Sequence[Category], context: str = "") -> Draft | None:
    content = _finish(item.content)
    by_position = {m.position: m for m in batch}
    sources = [s for s in dict.fromkeys(item.sources) if s in by_position] or [_best_source(content, batch)]
    names = {c.name for c in categories}
    chosen = [c for c in dict.fromkeys(n.strip().lower().replace(" ", "_") for n in item.categories) if c in names]
    chosen = chosen[:3] or list(categorize(content, categories))
    said = by_position[sources[0]].timestamp
    if item.event_start is not None and not extraction_example_date(item.event_start, said, context):
        start, end = _day_span(item.event_start, item.event_end)
    elif isinstance(item, extraction.CompactMemory):  # the compact answer has no dates: read them from the text
        span = event_span(content, said)
        start, end = span.start, span.end
    else:
        start = end = said
    subject = item.subject or "User"
    return Draft(
        content=content, categories=chosen, sources=sources, event_start=start, event_end=end, subject=subject,
        slot=f"{_snake(subject)}:{_snake(item.attribute)}" if item.attribute else None, value=item.value,
        entities=find_entities(content, exclude=frozenset({subject.lower()})),
        change_marker=item.changed or has_change_marker(content), negated=item.negated,
    )


def extraction_example_date(day: date, said: datetime, context: str) -> bool:
    """The prompt's example event date repeated with no reason in the messages (then the message time is used)."""
    return example_date_copied(day, extraction.EXAMPLE_DATES, now=said.date(), context=context)


def _merge(drafts: list[Draft]) -> list[Draft]:
    """One draft per statement (batches overlap in what they see), keeping every source."""
    seen: dict[str, Draft] = {}
    out: list[Draft] = []
    for draft in drafts:
        key = " ".join(_WORDS.findall(draft.content.lower()))
        if key in seen:
            kept = seen[key]
            kept.sources.extend(s for s in draft.sources if s not in kept.sources)
            continue
        seen[key] = draft
        out.append(draft)
    return out


class LLMSummarizer:
    """Implements ``Summarizer``: the batches' summaries joined, else one request over the statements."""

    def __init__(self, runner: StepRunner, extractor: LLMExtractor) -> None:
        self.runner = runner
        self.extractor = extractor
        self.offline = OfflineSummarizer()

    def summarize(self, session_date: datetime, messages: Sequence[MessageRecord],
                  drafts: Sequence[Draft]) -> tuple[str, list[int]]:
        if not messages:
            return self.offline.summarize(session_date, messages, drafts)
        parts = self.extractor.summaries
        body = " ".join(p for p in parts if p) if parts and all(parts) else None
        if body is None and not self.runner.available(summary.TASK):
            return self.offline.summarize(session_date, messages, drafts)
        if body is None:
            ctx = summary.SummaryContext(session_date, [d.content for d in drafts][:80],
                                         [f"{m.role}: {m.content[:300]}" for m in messages[:6]] if not drafts else [])
            try:
                body = self.runner.caller.ask(summary.prompt(ctx), self.runner.meter, max_tokens=SUMMARY_TOKENS).summary
            except LLMError as error:
                self.runner.failed(summary.TASK, error)
                return self.offline.summarize(session_date, messages, drafts)
        sources = sorted({s for d in drafts for s in d.sources})
        day = format_span(TimeSpan(session_date, session_date, "day", "", False))
        return f"Session on {day}: {' '.join(body.split())}", sources
