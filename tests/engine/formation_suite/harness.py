"""The realistic formation suite's case format and runner (issue 13).

A case is one or more sessions of a user/assistant chat, processed offline through the public
embedded SDK, and what the user's *current* memories must then say:

* ``Fact(words)``: some current memory holds every phrase in ``words`` (case-insensitive, whole
  words, each phrase's words contiguous), optionally with its event day(s), a category, a yearly
  (recurring) date, or a previous version holding other words;
* ``absent``: no current memory holds all of these phrases (a corrected value, filler, a wish);
* every current memory of every case passes the hygiene checker (no filler opener, no bare
  pronoun or deictic subject, no broken clause, no quoted greeting).

Sessions default to 1 December 2026 10:00 UTC (a Tuesday) plus one day per session.

Example::

    CASE = case("allergy-in-question", "health",
                session("Given that I'm allergic to peanuts, is satay OK?",
                        bot("Satay sauce is made with peanuts, so better skip it.")),
                expect=[fact("allergic to peanuts", category="allergies")])
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from recallr.language.hygiene import hygiene_problems
from recallr.models import MessageRole, SessionStatus

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")  # linear: no nested quantifiers


@dataclass(frozen=True)
class Session:
    turns: tuple[tuple[MessageRole, str], ...]
    at: datetime | None = None  # None: T0 + n days for the n-th session


@dataclass(frozen=True)
class Fact:
    words: tuple[str, ...]
    on: date | None = None  # event_date_start's day
    until: date | None = None  # event_date_end's day
    category: str | None = None  # one of the memory's categories
    yearly: bool = False  # a recurring month-day: no year in the text, event date not in the past
    previous: tuple[str, ...] = ()  # phrases a previous version holds


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    sessions: tuple[Session, ...]
    facts: tuple[Fact, ...]
    absent: tuple[tuple[str, ...], ...] = ()
    categories: tuple[tuple[str, str], ...] = ()  # custom project categories (name, description)
    max_memories: int | None = None  # at most this many current memories
    gap: str | None = None  # a known miss, stated: the test is a strict xfail (the suite allows <= 5%)


def bot(text: str) -> tuple[MessageRole, str]:
    """An assistant turn (plain strings are user turns)."""
    return MessageRole.ASSISTANT, text


def session(*turns: str | tuple[MessageRole, str], at: datetime | None = None) -> Session:
    return Session(tuple(t if isinstance(t, tuple) else (MessageRole.USER, t) for t in turns), at)


def fact(*words: str, on: date | None = None, until: date | None = None, category: str | None = None,
         yearly: bool = False, previous: Sequence[str] = ()) -> Fact:
    return Fact(tuple(words), on, until, category, yearly, tuple(previous))


def case(name: str, kind: str, *sessions: Session, expect: Sequence[Fact] = (),
         absent: Sequence[str | Sequence[str]] = (), categories: Sequence[tuple[str, str]] = (),
         max_memories: int | None = None, gap: str | None = None) -> Case:
    gone = tuple((a,) if isinstance(a, str) else tuple(a) for a in absent)
    return Case(name, kind, tuple(sessions), tuple(expect), gone, tuple(categories), max_memories, gap)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def holds(text: str, phrases: Sequence[str]) -> bool:
    """Every phrase's words appear contiguously in ``text`` (case-insensitive, whole words)."""
    tokens = words(text)
    joined = " " + " ".join(tokens) + " "
    return all(" " + " ".join(words(p)) + " " in joined for p in phrases)


def run_case(client: Any, c: Case) -> list[Any]:
    """Add and process every session of ``c`` for a fresh user; returns the current memories."""
    for name, description in c.categories:
        client.create_category(name, description)
    user = client.create_user(f"{c.id}-{uuid.uuid4().hex[:8]}")
    for n, s in enumerate(c.sessions):
        sess = user.create_session(custom_created_at_utc=s.at or T0 + timedelta(days=n))
        for role, text in s.turns:
            sess.add_message(role, text)
        sess.process(wait=True, timeout=60, poll_interval=0.02)
        assert sess.status == SessionStatus.PROCESSED, sess
    return list(user.list_memories(limit=200, include_previous_versions=True).items)


def problems(c: Case, found: list[Any], *, categories: bool = True) -> list[str]:
    """What is wrong with ``found`` for ``c``: an empty list when the case passes (``categories=False``: the
    categories are not checked)."""
    shown = [m.content for m in found]
    out: list[str] = []
    for f in c.facts:
        hits = [m for m in found if holds(m.content, f.words)]
        if not hits:
            out.append(f"no memory holds {f.words}")
            continue
        wrong = [why for m in hits for why in [_fact_mismatch(f if categories else replace(f, category=None), m, c)]
                 if why]
        if len(wrong) == len(hits):
            out.append(f"{f.words}: {wrong[0]}")
    for gone in c.absent:
        out += [f"should be absent {gone}: {m.content!r}" for m in found if holds(m.content, gone)]
    if c.max_memories is not None and len(found) > c.max_memories:
        out.append(f"{len(found)} memories, at most {c.max_memories} expected")
    out += [f"hygiene: {p} in {m.content!r}" for m in found for p in hygiene_problems(m.content)]
    return [f"{line}\n    memories: {shown}" for line in out]


def _fact_mismatch(f: Fact, m: Any, c: Case) -> str | None:
    if f.on is not None and m.event_date_start.date() != f.on:
        return f"event starts {m.event_date_start.date()}, expected {f.on} ({m.content!r})"
    if f.until is not None and m.event_date_end.date() != f.until:
        return f"event ends {m.event_date_end.date()}, expected {f.until} ({m.content!r})"
    if f.category is not None and f.category not in m.categories:
        return f"categories {m.categories}, expected {f.category} ({m.content!r})"
    if f.yearly:
        said = (c.sessions[0].at or T0).date()
        if re.search(r"\b(19|20)\d\d\b", m.content) or m.event_date_start.date() < said:
            return f"not shown as recurring: {m.content!r} from {m.event_date_start.date()}"
    if f.previous:
        earlier = [v.content for v in (m.previous_versions or [])]
        if not any(holds(v, f.previous) for v in earlier):
            return f"no previous version holds {f.previous} (previous: {earlier}; now {m.content!r})"
    return None


def params(cases: Sequence[Case], *, strict: bool = True) -> list[Any]:
    """``cases`` as pytest params: a case with a stated ``gap`` is a strict xfail (``strict=False`` where the gap
    may not apply, e.g. a category gap when categories are not checked)."""
    import pytest

    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=strict, reason=c.gap)] if c.gap else [])
            for c in cases]


def check(found: list[Any], c: Case, *, categories: bool = True) -> None:
    """Fail the running test with every problem of ``c`` (no traceback noise)."""
    import pytest

    if wrong := problems(c, found, categories=categories):
        pytest.fail(f"case {c.id} ({c.kind}):\n" + "\n".join(wrong), pytrace=False)
