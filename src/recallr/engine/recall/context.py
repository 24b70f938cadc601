"""The context string: memories with event dates, then summaries, then past and recent messages.

Every line is shown with its secrets redacted (``recallr.language.secrets``): a password said in an earlier
session, or in this one, never comes back verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from ...language.dates.ages import age_text
from ...language.dates.format import format_range, weekday_text
from ...language.secrets import redact
from ...store.records import to_dt

DAY_US = 86_400 * 1_000_000


@dataclass
class Line:
    text: str
    start_us: int
    end_us: int
    note: str = ""
    asked: bool = False  # requested by the caller (last_n_summaries): shown even when it adds nothing new


def _when(start_us: int, end_us: int, tz: tzinfo, *, with_time: bool = False, today: date | None = None) -> str:
    """The line's date as shown; with ``today``, also how long ago it was ("4 March 2023, 28 days (4 weeks) ago")."""
    start, end = to_dt(start_us), to_dt(end_us)
    assert start is not None and end is not None
    shown = format_range(start, end, tz, with_time=with_time)
    if today is None:
        return shown
    whole_days = end - start >= timedelta(days=1) - timedelta(seconds=1)  # stored days: no zone shift (format_range)
    first, last = (start.date(), end.date()) if whole_days else (start.astimezone(tz).date(), end.astimezone(tz).date())
    age = age_text(first, last, today)
    return f"{shown}, {age}" if age else shown


_DATED = re.compile(r"^(?:On|In|Between|Since|During)\b[^,]{0,40}\b\d{4},")
_SESSION_DATED = re.compile(r"^Session on \d{1,2} [A-Z][a-z]+ \d{4}\b")  # a summary that names its day


def _memory(line: Line, tz: tzinfo, today: date | None = None) -> str:
    """A memory line; its bracketed date is left out when the statement already opens with one (its age is not)."""
    if _DATED.match(line.text):
        age = _when(line.start_us, line.end_us, tz, today=today).partition(", ")[2] if today else ""
        return f"- [{age}] {line.text}{line.note}" if age else f"- {line.text}{line.note}"
    return f"- [{_when(line.start_us, line.end_us, tz, today=today)}] {line.text}{line.note}"


_ENDED = (".", "!", "?", '"', "'", ")", "…")


def _memory_lines(memories: Sequence[Line], tz: tzinfo, today: date | None) -> list[str]:
    """The memory lines, in rank order, those of one day joined on the line of the day's best-ranked memory so
    the day is said once (a memory that opens with its own date keeps its line). O(len(memories)).

        >>> from datetime import UTC
        >>> day = 19_485 * DAY_US
        >>> _memory_lines([Line("Ana paints", day, day), Line("On 2 May 2023, Bo sailed.", day, day),
        ...                Line("Ana sings.", day, day)], UTC, None)
        ['- [8 May 2023] Ana paints. Ana sings.', '- On 2 May 2023, Bo sailed.']
    """
    days: dict[str, list[str]] = {}
    order: list[str | int] = []  # a day's label, or the index of a memory that opens with its own date
    for i, line in enumerate(memories):
        if _DATED.match(line.text):
            order.append(i)
            continue
        label = _when(line.start_us, line.end_us, tz, today=today)
        if label not in days:
            days[label] = []
            order.append(label)
        days[label].append(line.text + line.note)
    out = []
    for item in order:
        if isinstance(item, int):
            out.append(_memory(memories[item], tz, today))
            continue
        texts = [t if t.endswith(_ENDED) else f"{t}." for t in days[item][:-1]] + days[item][-1:]
        out.append(f"- [{item}] {' '.join(texts)}")
    return out


def without_repeats(summary: str, shown: Sequence[str]) -> str:
    """``summary`` minus the statements already shown as memory lines; empty when nothing else is left.

    Offline summaries are made of the session's memories, so a recalled memory and a recalled summary often
    say the same thing twice.
    """
    head, sep, body = summary.partition(": ")
    if not sep:
        return summary
    for text in shown:
        if text and text in body:
            body = body.replace(text, " ")
    body = " ".join(body.split())
    return f"{head}: {body}" if len(body) > 2 else ""


def _summary_text(summary: Line, shown: Sequence[str]) -> str:
    """What a summary line says besides the memories shown; "" to leave it out (unless it was asked for)."""
    text = without_repeats(summary.text, shown)
    if text or not summary.asked:
        return text
    return f"{summary.text.partition(': ')[0]}: nothing beyond the memories above."


def _redacted(lines: Sequence[Line]) -> list[Line]:
    return [replace(line, text=redact(line.text)) for line in lines]


def render(*, now: datetime, tz: tzinfo, tz_name: str, memories: Sequence[Line], past: Sequence[Line],
           summaries: Sequence[Line], messages: Sequence[Line], recent: Sequence[Line], ages: bool = False) -> str:
    """The context text; with ``ages`` (a question about elapsed time) each earlier line's date says how long ago."""
    memories, past, summaries = _redacted(memories), _redacted(past), _redacted(summaries)
    messages, recent = _redacted(messages), _redacted(recent)
    local = now.astimezone(tz)
    today = local.date() if ages else None
    parts = [f"Current date and time: {weekday_text(local)} {local:%H:%M} ({tz_name})."]
    if memories:
        parts.append("\nMemories about the user (most relevant first; [when it happened]):")
        parts += _memory_lines(memories, tz, today)
    else:
        parts.append("\nNo stored memories are relevant to this message.")
    if past:
        parts.append("\nEarlier versions (no longer current):")
        parts += [f"- [{_when(m.start_us, m.end_us, tz, today=today)}] {m.text}{m.note}" for m in past]
    shown = [m.text for m in memories]
    lines = [(s, text) for s in summaries if (text := _summary_text(s, shown))]
    if lines:
        parts.append("\nSummaries of earlier conversations:")
        parts += [f"- {text}" if _SESSION_DATED.match(text) and today is None
                  else f"- [{_when(s.start_us, s.end_us, tz, today=today)}] {text}" for s, text in lines]
    if messages:
        parts.append("\nRelated messages from earlier conversations:")
        parts += [f"- [{_when(m.start_us, m.end_us, tz, today=today)}] {m.text}" for m in messages]
    if recent:
        parts.append("\nRecent messages in this conversation:")
        parts += [f"- [{_when(m.start_us, m.end_us, tz, with_time=True)}] {m.text}" for m in recent]
    return "\n".join(parts)
