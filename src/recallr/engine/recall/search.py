"""Hybrid search: dense cosine + full-text BM25, fused by reciprocal rank, filtered by date, diversified."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...language.dates import TimeSpan
from ...store import Tx
from ...store.records import to_us
from .index import Corpus

RRF_K = 60
LEXICAL_FLOOR = 0.5  # full-text hits scoring below this share of the best one are dropped
# A memory's full-text rank counts half as much as its dense rank in fusion: memories are short restatements, so
# a shared word (a name, "family") says less about a memory than about a raw message (LoCoMo, balanced: evidence
# recall 0.826 -> 0.835 and answer-token recall unchanged at weight 0.5 rather than 1.0).
MEMORY_LEXICAL_WEIGHT = 0.5


@dataclass
class Ranked:
    """A corpus row with its fused score and its cosine to the query."""

    row: int
    score: float
    cosine: float


def dense(scores: np.ndarray, pool: int) -> list[int]:
    """Rows by descending cosine (``scores`` from one matrix product per corpus and query)."""
    if not len(scores):
        return []
    pool = min(pool, len(scores))
    top = np.argpartition(-scores, pool - 1)[:pool]
    return [int(i) for i in top[np.argsort(-scores[top])]]


def lexical(tx: Tx, table: str, terms: Sequence[str], *, user_id: str, pool: int,
            extra_where: str = "") -> list[Any]:
    """Ids of the user's rows of ``table`` matching the terms in the full-text index, best first."""
    if not terms:
        return []
    where = "t.user_id = ?" + (f" AND {extra_where}" if extra_where else "")
    hits = tx.dialect.search_text(tx, table, " ".join(terms), where=where, params=[user_id], limit=pool)
    if hits:  # a hit on a word every item shares ("Caroline") is not evidence: keep the strong matches
        floor = LEXICAL_FLOOR * hits[0][1]
        hits = [h for h in hits if h[1] >= floor]
    return [ident for ident, _ in hits]


def rows_of(corpus: Corpus, ids: Sequence[Any]) -> list[int]:
    """The rows of ``ids`` in ``corpus``, in order, skipping ids it does not hold."""
    rows = (corpus.row_of(ident) for ident in ids)
    return [r for r in rows if r is not None]


def overlapping(corpus: Corpus, span: TimeSpan | None) -> np.ndarray | None:
    """Boolean mask of rows whose date range overlaps ``span``."""
    if span is None or not len(corpus):
        return None
    return (corpus.start <= to_us(span.end)) & (corpus.end >= to_us(span.start))


def fuse(rankings: Sequence[tuple[list[int], float]], cosines: np.ndarray, *,
         mask: np.ndarray | None = None, boost: float = 0.0) -> list[Ranked]:
    """Reciprocal-rank fusion of weighted rankings; rows inside ``mask`` get ``boost`` added (date match)."""
    scores: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, row in enumerate(ranking):
            scores[row] = scores.get(row, 0.0) + weight / (RRF_K + rank + 1)
    if mask is not None and boost:
        for row in scores:
            if mask[row]:
                scores[row] += boost
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    return [Ranked(row, score, float(cosines[row]) if len(cosines) else 0.0) for row, score in ordered]


def diversify(ranked: list[Ranked], corpus: Corpus, limit: int, *, weight: float = 0.75,
              near_copy: float = 0.92) -> list[Ranked]:
    """Maximal marginal relevance over the top of ``ranked``: near-copies do not crowd out other facts."""
    if len(ranked) <= 1:
        return ranked[:limit]
    top = ranked[: max(limit * 2, limit + 10)]
    relevance = np.array([r.score for r in top], dtype=np.float32) / (top[0].score or 1.0)
    vectors = corpus.matrix[[r.row for r in top]]
    similarity = vectors @ vectors.T
    max_sim = np.full(len(top), -1.0, dtype=np.float32)
    available = np.ones(len(top), dtype=bool)
    chosen: list[int] = []
    while len(chosen) < limit:
        value = weight * relevance - (1 - weight) * np.maximum(max_sim, 0.0)
        value[~available | (max_sim >= near_copy)] = -np.inf
        best = int(np.argmax(value))
        if value[best] == -np.inf:
            break
        chosen.append(best)
        available[best] = False
        max_sim = np.maximum(max_sim, similarity[best])
    return [top[i] for i in chosen]


def select(ranked: list[Ranked], *, threshold: float, min_k: int, max_k: int) -> list[Ranked]:
    """The ``min_k`` best by rank, then every other item whose cosine clears the threshold, ``max_k`` at most.

    Taking the best ranks first keeps keyword and date-filter hits that a pure cosine cut would drop.
    """
    chosen = ranked[:min_k]
    for r in ranked[min_k:]:
        if len(chosen) >= max_k:
            break
        if r.cosine >= threshold:
            chosen.append(r)
    return sorted(chosen, key=lambda r: -r.score)
