"""Updates said in passing: recall puts the latest statement of a fact first and marks earlier ones as earlier.

Formation versions a fact when it knows the fact's slot or hears an explicit end (``formation/consolidation.py``);
an update said in passing ("I've added 25 new postcards since I started again", months after "my 17 new
postcards") forms a second memory that does not expire the first, so both are current. For each recalled
memory, recall looks among the user's current memories for one said in a later session that restates it with
another value: close in meaning (cosine >= ``LATER_COSINE``) and passing the word test of
:func:`recallr.language.restated.restates_with_new_value`. The latest such statement is shown right before the
earlier one (added to the context when it was not recalled), and the earlier one is marked with the day of
the later: "- [27 May 2023] User has a total of 37 coins ... (earlier statement, before the one of 29 May 2023)".

Cost: one (k x n) matrix product for k recalled memories over the user's n current memories, and the word test
on at most ``MAX_CANDIDATES`` of them per memory. A user searched through their own vector index
(``windows.py``) is checked against the rows loaded for the query only.

Example::

    >>> import numpy as np
    >>> from recallr.engine.recall.index import Columns, Corpus
    >>> corpus = Corpus(ids=["a", "b"], matrix=np.array([[1.0, 0.0], [0.8, 0.6]], np.float32),
    ...                 start=np.zeros(2, np.int64), end=np.zeros(2, np.int64), session_ids=["s1", "s2"],
    ...                 texts=["User drinks 2 cups of coffee a day.", "User now drinks 3 cups of coffee a day."],
    ...                 extra=Columns({"created_at": [0, 86_400_000_000]}, 2))
    >>> later_statements(corpus, [0])
    {0: 1}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ...language.dates.format import day_text
from ...language.restated import restates_with_new_value
from ...store.records import to_dt
from .index import Corpus
from .search import Ranked

LATER_COSINE = 0.65
MAX_CANDIDATES = 20


@dataclass
class Updated:
    """Recalled memories with later statements put first, and the notes marking the earlier ones."""

    memories: list[Ranked]
    notes: dict[int, str] = field(default_factory=dict)  # corpus row -> note shown after the memory


def later_statements(corpus: Corpus, rows: Sequence[int]) -> dict[int, int]:
    """For each of ``rows``, the latest current memory said in a later session that restates it with another
    value (rows without one are left out)."""
    if not rows or not len(corpus):
        return {}
    created = np.asarray(corpus.extra.column("created_at"), dtype=np.int64)
    similarity = corpus.matrix[list(rows)] @ corpus.matrix.T
    out: dict[int, int] = {}
    for i, row in enumerate(rows):
        near = np.flatnonzero((similarity[i] >= LATER_COSINE) & (created > created[row]))
        for candidate in near[np.argsort(-created[near], kind="stable")][:MAX_CANDIDATES]:
            if restates_with_new_value(corpus.texts[row], corpus.texts[int(candidate)]):
                out[row] = int(candidate)
                break
    return out


def latest_first(memories: list[Ranked], corpus: Corpus, *, limit: int) -> Updated:
    """``memories`` with each later statement placed right before the earlier one it updates (added when it was
    not recalled), at most ``limit`` of them, and a note on each earlier one."""
    later = later_statements(corpus, [r.row for r in memories])
    if not later:
        return Updated(memories)
    created = corpus.extra.column("created_at")
    ordered: list[Ranked] = []
    placed: set[int] = set()
    by_row = {r.row: r for r in memories}
    notes: dict[int, str] = {}
    for ranked in memories:
        if ranked.row in placed:
            continue
        newer = later.get(ranked.row)
        if newer is not None and newer not in placed:
            ordered.append(by_row.get(newer) or Ranked(newer, ranked.score, ranked.cosine))
            placed.add(newer)
        if newer is not None:
            said = to_dt(int(created[newer]))
            notes[ranked.row] = f" (earlier statement, before the one of {day_text(said)})" if said else ""
        ordered.append(ranked)
        placed.add(ranked.row)
    kept = ordered[:limit]
    shown = {r.row for r in kept}
    return Updated(kept, {row: note for row, note in notes.items() if row in shown and note})
