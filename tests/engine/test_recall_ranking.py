"""Recall's ranking functions (``engine/recall/search.py``): pure functions over scores and small hand-made corpora.

No embedder and no database: vectors are small unit vectors, scores are written out.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from recallr.engine.recall.index import Columns, Corpus
from recallr.engine.recall.search import RRF_K, Ranked, dense, diversify, fuse, overlapping, rows_of, select
from recallr.language.dates import TimeSpan
from recallr.store.records import to_us

DAY_US = 86_400 * 1_000_000


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _corpus(vectors: list[np.ndarray], *, days: list[int] | None = None) -> Corpus:
    """Rows ``m0``, ``m1``, ... with the given vectors, row i dated ``days[i]`` days after 2023-01-01."""
    base = to_us(datetime(2023, 1, 1, tzinfo=UTC))
    starts = np.array([base + d * DAY_US for d in (days or [0] * len(vectors))], dtype=np.int64)
    return Corpus(ids=[f"m{i}" for i in range(len(vectors))], matrix=np.stack(vectors).astype(np.float32),
                  start=starts, end=starts + DAY_US - 1, session_ids=["s"] * len(vectors),
                  texts=[f"text {i}" for i in range(len(vectors))], extra=Columns({}, len(vectors)))


def _rows(ranked: list[Ranked]) -> list[int]:
    return [r.row for r in ranked]


@pytest.mark.parametrize(("scores", "pool", "expected"), [
    pytest.param([0.1, 0.9, 0.5, 0.7], 4, [1, 3, 2, 0], id="all-rows-best-first"),
    pytest.param([0.1, 0.9, 0.5, 0.7], 2, [1, 3], id="pool-keeps-the-best"),
    pytest.param([0.3, 0.2], 10, [0, 1], id="pool-larger-than-corpus"),
    pytest.param([], 5, [], id="empty-corpus"),
    pytest.param([-0.4, -0.1, -0.9], 3, [1, 0, 2], id="negative-scores-still-ordered"),
])
def test_dense_ranks_by_descending_score(scores: list[float], pool: int, expected: list[int]) -> None:
    assert dense(np.array(scores, dtype=np.float32), pool) == expected


def test_fusion_rewards_rows_found_by_several_rankings() -> None:
    cosines = np.array([0.5, 0.6, 0.7], dtype=np.float32)
    ranked = fuse([([0, 1, 2], 1.0), ([2, 1], 1.0)], cosines)
    assert _rows(ranked) == [2, 1, 0]  # row 2 is first of one ranking and last of the other; row 0 only once
    assert ranked[0].score == pytest.approx(1 / (RRF_K + 3) + 1 / (RRF_K + 1))
    assert [r.cosine for r in ranked] == pytest.approx([0.7, 0.6, 0.5])


@pytest.mark.parametrize(("weights", "winner"), [
    pytest.param((1.0, 1.0), 0, id="equal-weights-first-ranking-ties-break-by-order"),
    pytest.param((1.0, 2.0), 1, id="heavier-ranking-wins"),
    pytest.param((2.0, 1.0), 0, id="heavier-first-ranking-wins"),
])
def test_fusion_weights(weights: tuple[float, float], winner: int) -> None:
    ranked = fuse([([0], weights[0]), ([1], weights[1])], np.zeros(2, np.float32))
    assert ranked[0].row == winner and len(ranked) == 2


def test_fusion_boosts_only_rows_inside_the_mask() -> None:
    cosines = np.zeros(3, np.float32)
    ranking = ([0, 1, 2], 1.0)
    mask = np.array([False, False, True])
    assert _rows(fuse([ranking], cosines, mask=mask, boost=0.02)) == [2, 0, 1]
    assert _rows(fuse([ranking], cosines, mask=mask)) == [0, 1, 2]  # no boost, no change
    assert fuse([], cosines) == []


@pytest.mark.parametrize(("span_days", "expected"), [
    pytest.param((1, 1), [False, True, False], id="one-day"),
    pytest.param((0, 1), [True, True, False], id="two-days"),
    pytest.param((5, 9), [False, False, False], id="after-everything"),
])
def test_date_mask_keeps_rows_overlapping_the_span(span_days: tuple[int, int], expected: list[bool]) -> None:
    corpus = _corpus([_unit(1, 0), _unit(0, 1), _unit(1, 1)], days=[0, 1, 2])
    first = datetime(2023, 1, 1, tzinfo=UTC)
    span = TimeSpan(first.replace(day=1 + span_days[0]), first.replace(day=1 + span_days[1], hour=12),
                    granularity="day", expression="", relative=False)
    mask = overlapping(corpus, span)
    assert mask is not None and mask.tolist() == expected


def test_no_span_or_no_rows_means_no_mask() -> None:
    assert overlapping(_corpus([_unit(1, 0)]), None) is None


def test_rows_of_keeps_order_and_skips_unknown_ids() -> None:
    corpus = _corpus([_unit(1, 0), _unit(0, 1), _unit(1, 1)])
    assert rows_of(corpus, ["m2", "gone", "m0"]) == [2, 0]


def test_diversify_drops_a_near_copy_of_a_better_item() -> None:
    # rows 0 and 1 say the same thing; row 2 is another fact ranked below both
    corpus = _corpus([_unit(1, 0, 0), _unit(1, 0.05, 0), _unit(0, 1, 0)])
    ranked = [Ranked(0, 0.05, 0.9), Ranked(1, 0.049, 0.9), Ranked(2, 0.03, 0.5)]
    assert _rows(diversify(ranked, corpus, 3)) == [0, 2]


def test_diversify_prefers_another_fact_over_a_close_variant() -> None:
    # row 1 is close to row 0 (cosine 0.8, under the near-copy bar) and barely ahead of row 2, an unrelated fact
    corpus = _corpus([_unit(1, 0, 0), _unit(0.8, 0.6, 0), _unit(0, 0, 1)])
    ranked = [Ranked(0, 0.05, 0.9), Ranked(1, 0.046, 0.8), Ranked(2, 0.045, 0.7)]
    assert _rows(diversify(ranked, corpus, 2)) == [0, 2]
    assert _rows(diversify(ranked, corpus, 3)) == [0, 2, 1]


@pytest.mark.parametrize(("limit", "expected"), [
    pytest.param(1, [0], id="limit-one"),
    pytest.param(5, [0, 1, 2], id="limit-above-size"),
    pytest.param(0, [], id="limit-zero"),
])
def test_diversify_of_distinct_items_keeps_rank_order(limit: int, expected: list[int]) -> None:
    corpus = _corpus([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1)])
    ranked = [Ranked(0, 0.05, 0.9), Ranked(1, 0.04, 0.8), Ranked(2, 0.03, 0.7)]
    assert _rows(diversify(ranked, corpus, limit)) == expected


def test_diversify_of_one_item() -> None:
    corpus = _corpus([_unit(1, 0)])
    assert _rows(diversify([Ranked(0, 0.1, 0.9)], corpus, 3)) == [0]
    assert diversify([], corpus, 3) == []


RANKED = [Ranked(0, 0.05, 0.30), Ranked(1, 0.04, 0.70), Ranked(2, 0.03, 0.20), Ranked(3, 0.02, 0.65),
          Ranked(4, 0.01, 0.90)]


@pytest.mark.parametrize(("threshold", "min_k", "max_k", "expected"), [
    pytest.param(0.6, 0, 10, [1, 3, 4], id="only-cosines-above-threshold"),
    pytest.param(0.6, 1, 10, [0, 1, 3, 4], id="best-rank-kept-below-threshold"),
    pytest.param(0.6, 3, 10, [0, 1, 2, 3, 4], id="min-k-best-ranks-then-threshold"),
    pytest.param(0.6, 1, 2, [0, 1], id="max-k-caps-the-rest"),
    pytest.param(0.95, 0, 10, [], id="nothing-clears-the-threshold"),
    pytest.param(0.95, 2, 10, [0, 1], id="min-k-without-threshold-hits"),
])
def test_select(threshold: float, min_k: int, max_k: int, expected: list[int]) -> None:
    assert _rows(select(RANKED, threshold=threshold, min_k=min_k, max_k=max_k)) == expected


def test_select_returns_fused_score_order() -> None:
    shuffled = [RANKED[4], RANKED[0], RANKED[3]]
    assert _rows(select(shuffled, threshold=0.0, min_k=1, max_k=5)) == [0, 3, 4]
