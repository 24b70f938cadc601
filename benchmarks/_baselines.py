"""Plain-RAG baselines and scoring shared by locomo.py and longmemeval.py.

Everything here is independent of the engine (own tokenizer, own stopwords, own BM25), so a baseline
cannot accidentally inherit a Recallr heuristic.

- ``count_tokens(text)``: context size, ``len(re.findall(r"\\w+|[^\\w\\s]", text))`` (a word or a single
  punctuation character is one token; whitespace is free). Used for Recallr and baselines alike.
- ``content_tokens(text)``: lowercase word tokens without punctuation and stopwords (answer-token recall,
  BM25 terms).
- ``Baselines``: BM25 Okapi (k1=1.2, b=0.75, idf = ln(1 + (N - n + 0.5) / (n + 0.5))), dense cosine with
  the engine's embedder (MiniLM), and their reciprocal-rank fusion (k=60), over one user's raw turns.
- ``fill(ranking, budget)``: walk the ranking best first and take every turn whose rendered line still
  fits in the token budget (a turn that does not fit is skipped, later shorter ones may still fit).
- ``date_parts`` / ``date_in_context``: whether a date answer (day, month, year as given) appears in a
  context in any common rendering.
"""

from __future__ import annotations

import math
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dateparser
import numpy as np

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
_STOPWORD_TEXT = """
a about above after again against all am an and any are aren't as at be because been before being below between
both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from
further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor not of
off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't
so some such than that that's the their theirs them themselves then there there's these they they'd they'll they're
they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's
when when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves s t d ll m re ve
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
RRF_K = 60


def revision() -> str:
    """The engine's git revision (``--dirty`` when the work tree has changes), to tell runs apart."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def content_tokens(text: str) -> list[str]:
    """Lowercase word tokens, punctuation stripped, stopwords dropped ("don't" -> "don", "t" -> dropped)."""
    return [w for w in _WORD.findall(str(text).lower()) if w not in STOPWORDS]


def answer_token_recall(answer: Any, context: str) -> float | None:
    """Share of the answer's content tokens present in the context (None when the answer has none)."""
    wanted = set(content_tokens(str(answer))) or set(_WORD.findall(str(answer).lower()))
    if not wanted:
        return None
    have = set(_WORD.findall(context.lower()))
    return len(wanted & have) / len(wanted)


def lost_answer_tokens(answer: Any, context: str, other: str) -> tuple[list[str], str]:
    """Answer content tokens present in ``other`` (a baseline's context) but not in ``context``, and the
    first line of ``other`` holding one of them."""
    have, theirs = set(_WORD.findall(context.lower())), set(_WORD.findall(other.lower()))
    missing = sorted(t for t in set(content_tokens(str(answer))) if t in theirs and t not in have)
    line = next((ln for ln in other.split("\n") if missing and missing[0] in _WORD.findall(ln.lower())), "")
    return missing, line


def day_label(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


# -- baselines ---------------------------------------------------------------------------------------------
@dataclass
class Turn:
    key: Any  # what a hit maps back to (dia_id, haystack session id, ...)
    text: str  # as ingested ("Caroline: ..."), embedded and BM25-indexed
    line: str  # as put in the baseline context ("[8 May 2023] Caroline: ...")
    tokens: int = 0  # count_tokens(line)

    def __post_init__(self) -> None:
        self.tokens = count_tokens(self.line)


@dataclass
class BM25:
    docs: list[list[str]]
    k1: float = 1.2
    b: float = 0.75
    df: Counter[str] = field(default_factory=Counter)
    tf: list[Counter[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tf = [Counter(d) for d in self.docs]
        for counts in self.tf:
            self.df.update(counts.keys())
        self.lengths = np.array([len(d) for d in self.docs], dtype=np.float64)
        self.avgdl = float(self.lengths.mean()) if len(self.docs) else 0.0

    def idf(self, term: str) -> float:
        n, big_n = self.df.get(term, 0), len(self.docs)
        return math.log(1 + (big_n - n + 0.5) / (n + 0.5))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(self.docs))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / (self.avgdl or 1.0))
        for term in set(query):
            if term not in self.df:
                continue
            idf = self.idf(term)
            freqs = np.array([counts.get(term, 0) for counts in self.tf], dtype=np.float64)
            out += idf * freqs * (self.k1 + 1) / (freqs + norm)
        return out


class Baselines:
    """BM25, dense and RRF rankings over one user's raw turns."""

    NAMES = ("bm25", "dense", "rrf")

    def __init__(self, turns: list[Turn], embedder: Any) -> None:
        self.turns = turns
        self.embedder = embedder
        self.bm25 = BM25([content_tokens(t.text) for t in turns])
        self.matrix = embedder.embed([t.text for t in turns]) if turns else np.zeros((0, 384), np.float32)

    def rankings(self, question: str) -> tuple[dict[str, list[int]], dict[str, float]]:
        """Each baseline's full ranking (best first) and the milliseconds each took (rrf: both plus fusion)."""
        started = time.perf_counter()
        bm = self.bm25.scores(content_tokens(question))
        bm_rank = [int(i) for i in np.argsort(-bm, kind="stable") if bm[i] > 0]
        bm_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        vector = self.embedder.embed([question])[0]
        cos = self.matrix @ vector
        dense_rank = [int(i) for i in np.argsort(-cos, kind="stable")]
        dense_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        fused: dict[int, float] = {}
        for ranking in (bm_rank, dense_rank):
            for rank, row in enumerate(ranking, start=1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
        rrf_rank = sorted(fused, key=lambda row: -fused[row])
        rrf_ms = bm_ms + dense_ms + (time.perf_counter() - started) * 1000
        return ({"bm25": bm_rank, "dense": dense_rank, "rrf": rrf_rank},
                {"bm25": bm_ms, "dense": dense_ms, "rrf": rrf_ms})

    def fill(self, ranking: Iterable[int], budget: int) -> tuple[list[Turn], str, int]:
        """Turns taken best first while they fit in ``budget`` tokens: (turns, context text, tokens)."""
        chosen: list[Turn] = []
        used = 0
        for row in ranking:
            turn = self.turns[row]
            if used + turn.tokens <= budget:
                chosen.append(turn)
                used += turn.tokens
        return chosen, "\n".join(t.line for t in chosen), used


# -- dates -------------------------------------------------------------------------------------------------
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH_WORD = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
              r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_DATE_IN_ANSWER = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH_WORD.replace('(', '(?P<m1>', 1)}(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|{_MONTH_WORD.replace('(', '(?P<m2>', 1)}(?:\s+(?P<d2>\d{{1,2}}){_ORD}(?!\d))?(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})"
    rf"|(?P<y3>(?:19|20)\d{{2}}))\b", re.I)


@dataclass(frozen=True)
class DateParts:
    day: int | None
    month: int | None
    year: int | None

    def __str__(self) -> str:
        return "-".join(str(p) if p else "?" for p in (self.year, self.month, self.day))


def _month(word: str) -> int:
    """Month number of a month word, through dateparser (it knows 'Sept', 'Jun.' ...)."""
    parsed = dateparser.parse(f"1 {word} 2000", languages=["en"], settings={"STRICT_PARSING": False})
    if parsed is not None:
        return parsed.month
    return next(i + 1 for i, m in enumerate(MONTHS) if m.startswith(word.lower()[:3]))


def date_parts(answer: Any) -> list[DateParts]:
    """The dates an answer gives ("7 May 2023", "The week before 9 June 2023", "June 2023", "2022").

    Components are found by pattern (so that a missing day is not filled in by a parser default) and each
    full day+month+year is checked with dateparser (an impossible date such as 31 June is dropped).
    """
    out: list[DateParts] = []
    for match in _DATE_IN_ANSWER.finditer(str(answer)):
        g = match.groupdict()
        if g["iy"]:
            parts = DateParts(int(g["id"]), int(g["im"]), int(g["iy"]))
        elif g["m1"] or g["m2"]:
            day = g["d1"] or g["d2"]
            year = g["y1"] or g["y2"]
            parts = DateParts(int(day) if day else None, _month(g["m1"] or g["m2"]), int(year) if year else None)
            if g["m2"] and g["m2"].lower() == "may" and not day and not year:
                continue  # the verb "may"
        else:
            parts = DateParts(None, None, int(g["y3"]))
        if parts.day and parts.month and parts.year:
            text = f"{parts.year}-{parts.month:02d}-{parts.day:02d}"
            if dateparser.parse(text, settings={"STRICT_PARSING": True}) is None:
                continue
        out.append(parts)
    return out


def _month_alt(month: int) -> str:
    name = MONTHS[month - 1]
    extra = r"|sept\.?" if month == 9 else ""
    return rf"(?:{name}|{name[:3]}\.?{extra})"


def date_patterns(parts: DateParts) -> list[re.Pattern[str]]:
    """Regexes for the common renderings of a date: '7 May 2023', '7th of May, 2023', 'May 7, 2023',
    '2023-05-07', '2023/05/07', '7/5/2023', '5/7/2023'; with a missing year '7 May', 'May 7', '-05-07';
    month and year 'May 2023', 'May, 2023', 'May 7, 2023', '2023-05'; a year alone '2023'."""
    d, m, y = parts.day, parts.month, parts.year
    alts: list[str] = []
    if m is None:
        alts.append(rf"(?<!\d){y}(?!\d)")
    elif d is None:
        mon = _month_alt(m)
        if y:
            alts += [rf"\b{mon},?\s+(?:\d{{1,2}}{_ORD},?\s+)?{y}\b", rf"\b{y}[-/]{m:02d}\b"]
        else:
            alts.append(rf"\b{mon}\b")
    else:
        mon, day = _month_alt(m), rf"0?{d}{_ORD}"
        if y:
            alts += [rf"\b{day}\s+(?:of\s+)?{mon},?\s+{y}\b", rf"\b{mon}\s+{day},?\s+{y}\b",
                     rf"\b{y}[-/]{m:02d}[-/]{d:02d}\b", rf"\b0?{d}[/.]0?{m}[/.]{y}\b", rf"\b0?{m}/0?{d}/{y}\b"]
        else:
            alts += [rf"\b{day}\s+(?:of\s+)?{mon}\b", rf"\b{mon}\s+{day}\b", rf"-{m:02d}-{d:02d}\b"]
    return [re.compile(a, re.I) for a in alts]


def date_in_context(parts: Sequence[DateParts], context: str) -> bool:
    """True when every date of the answer appears in the context in some common rendering."""
    return bool(parts) and all(any(p.search(context) for p in date_patterns(part)) for part in parts)


# -- results -----------------------------------------------------------------------------------------------
@dataclass
class Result:
    """One system's answer to one question."""

    system: str
    group: str  # category / question type
    metrics: dict[str, float | None]  # evidence recall, answer-token recall, tokens, ...
    ms: float


def aggregate(results: Sequence[Result], systems: Sequence[str], metrics: Sequence[str],
              group: str | None = None) -> list[list[Any]]:
    """Rows ``[system, n, mean of each metric..., p50 ms, p95 ms]`` (means over questions where defined)."""
    from _common import percentile

    rows: list[list[Any]] = []
    for system in systems:
        mine = [r for r in results if r.system == system and (group is None or r.group == group)]
        if not mine:
            continue
        row: list[Any] = [system, len(mine)]
        for metric in metrics:
            values = [v for r in mine if (v := r.metrics.get(metric)) is not None]
            row.append(sum(values) / len(values) if values else float("nan"))
        ms = [r.ms for r in mine]
        row += [percentile(ms, 50), percentile(ms, 95)]
        rows.append(row)
    return rows


def mean_of(results: Sequence[Result], system: str, metric: str, group: str | None = None) -> float:
    values = [v for r in results if r.system == system and (group is None or r.group == group)
              and (v := r.metrics.get(metric)) is not None]
    return sum(values) / len(values) if values else float("nan")


# The engine's section headings (recall/context.py). Matching them by name, rather than any line that ends
# with ':', keeps multi-line raw messages (assistant answers with their own "Here are some tips:") inside
# their section; a heading the engine renames is simply counted in the section before it.
_HEADINGS = ("Memories about the user", "No stored memories", "Earlier versions", "Summaries of earlier",
             "Related messages", "Recent messages")


def sections(context: str) -> dict[str, tuple[int, int]]:
    """Tokens and items ("- " lines) per section of a Recallr context; text before any heading is "preamble"."""
    out: dict[str, list[int]] = {}
    name = "preamble"
    for line in context.split("\n"):
        if line.startswith(_HEADINGS):
            name = line.split("(")[0].split(":")[0].strip()
        counts = out.setdefault(name, [0, 0])
        counts[0] += count_tokens(line)
        counts[1] += line.startswith("- ")
    return {k: (v[0], v[1]) for k, v in out.items()}


def section_summary(contexts: Sequence[str]) -> str:
    """Mean tokens and lines per question for each section, over ``contexts``."""
    totals: dict[str, list[int]] = {}
    for context in contexts:
        for name, (tokens, lines) in sections(context).items():
            item = totals.setdefault(name, [0, 0])
            item[0] += tokens
            item[1] += lines
    n = max(1, len(contexts))
    return "; ".join(f"{name}: {t / n:.0f} tokens, {lines / n:.1f} lines" for name, (t, lines) in totals.items())
