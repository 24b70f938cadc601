"""``OfflineConsolidator.decide``: which action a draft gets against the user's current memories.

Pure: drafts and memories are built by hand, embeddings are small unit vectors (no embedder).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from recallr.engine.formation.consolidation import DUPLICATE_COSINE, ENDED_COSINE, OfflineConsolidator, WorkingSet
from recallr.engine.formation.plan import Draft
from recallr.store.memories import MemoryRecord

AT = datetime(2023, 5, 8, tzinfo=UTC)
DIM = 4


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values + (0.0,) * (DIM - len(values)), dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _at_cosine(cosine: float) -> np.ndarray:
    """A unit vector whose cosine with ``_unit(1)`` is ``cosine``."""
    return _unit(cosine, float(np.sqrt(1 - cosine**2)))


def _memory(content: str, *, ident: str = "m1", slot: str | None = None, value: str | None = None,
            subject: str | None = None, negated: bool = False, embedding: np.ndarray | None = None) -> MemoryRecord:
    return MemoryRecord(
        id=ident, user_id="u", session_id="s0", chain_id=ident, version_number=1, content=content,
        categories=["personal"], event_date_start=AT, event_date_end=AT, created_at=AT, subject=subject,
        slot=slot, value=value, negated=negated, embedding=embedding,
    )


def _draft(content: str, *, slot: str | None = None, value: str | None = None, subject: str | None = None,
           change_marker: bool = False, negated: bool = False, embedding: np.ndarray | None = None) -> Draft:
    return Draft(content=content, categories=["personal"], sources=[0], event_start=AT, event_end=AT,
                 subject=subject, slot=slot, value=value, change_marker=change_marker, negated=negated,
                 embedding=embedding)


def _decide(draft: Draft, memories: list[MemoryRecord], *, conflicts: bool = False) -> tuple[str, str | None]:
    decision = OfflineConsolidator().decide(draft, WorkingSet(memories), conflicts_enabled=conflicts)
    return decision.action, decision.target.id if decision.target else None


HOME: dict[str, Any] = {"subject": "user", "slot": "user:home"}
PARIS = _memory("User lives in Paris.", **HOME, value="Paris")


@pytest.mark.parametrize(("draft", "memories", "conflicts", "expected"), [
    pytest.param(_draft("User lives in Paris."), [], False, ("add", None), id="nothing-known-adds"),
    pytest.param(_draft("User plays the violin."), [PARIS], False, ("add", None), id="unrelated-fact-adds"),
    pytest.param(_draft("user LIVES in paris!"), [PARIS], False, ("repeat", "m1"),
                 id="same-text-up-to-case-and-punctuation-repeats"),
    pytest.param(_draft("The user's home is Paris.", **HOME, value="paris"), [PARIS], True, ("repeat", "m1"),
                 id="same-slot-same-value-repeats"),
    pytest.param(_draft("User moved to Berlin.", **HOME, value="Berlin", change_marker=True), [PARIS], True,
                 ("update", "m1"), id="change-marker-settles-an-update-even-with-conflicts-on"),
    pytest.param(_draft("User lives in Berlin.", **HOME, value="Berlin"), [PARIS], True, ("conflict", "m1"),
                 id="unsettled-new-value-is-a-conflict-when-enabled"),
    pytest.param(_draft("User lives in Berlin.", **HOME, value="Berlin"), [PARIS], False, ("update", "m1"),
                 id="unsettled-new-value-newer-wins-when-conflicts-off"),
    pytest.param(_draft("User does not live in Paris.", **HOME, value="Paris", negated=True), [PARIS], True,
                 ("conflict", "m1"), id="same-value-opposite-polarity-is-not-a-repeat"),
    pytest.param(_draft("Anna lives in Berlin.", subject="anna", slot="user:home", value="Berlin"), [PARIS], True,
                 ("add", None), id="same-slot-other-subject-adds"),
])
def test_decision(draft: Draft, memories: list[MemoryRecord], conflicts: bool,
                  expected: tuple[str, str | None]) -> None:
    assert _decide(draft, memories, conflicts=conflicts) == expected


CATS: dict[str, Any] = {"subject": "user", "slot": "user:cat_count"}


@pytest.mark.parametrize(("old", "new", "expected"), [
    pytest.param("2", "3", "update", id="count-that-grew-settles"),
    pytest.param("3", "2", "conflict", id="count-that-shrank-is-a-conflict"),
    pytest.param("two", "3", "conflict", id="non-numeric-old-count-is-a-conflict"),
])
def test_a_count_that_grew_is_an_update(old: str, new: str, expected: str) -> None:
    memory = _memory(f"User has {old} cats.", **CATS, value=old)
    assert _decide(_draft(f"User has {new} cats.", **CATS, value=new), [memory], conflicts=True)[0] == expected


def test_the_latest_memory_of_a_slot_is_the_target() -> None:
    older = _memory("User lives in Rome.", ident="old", **HOME, value="Rome")
    newer = _memory("User lives in Paris.", ident="new", **HOME, value="Paris")
    # "Rome" matches the older memory's value, but only the latest one of the slot counts
    assert _decide(_draft("User lives in Rome again.", **HOME, value="Rome"), [older, newer], conflicts=True) == (
        "conflict", "new")
    # the very same text as the older memory is a repeat of it, before any slot rule
    assert _decide(_draft("User lives in Rome.", **HOME, value="Rome"), [older, newer], conflicts=True) == (
        "repeat", "old")


@pytest.mark.parametrize(("cosine", "negated", "expected"), [
    pytest.param(DUPLICATE_COSINE + 0.02, False, ("repeat", "m1"), id="near-copy-same-polarity-repeats"),
    pytest.param(DUPLICATE_COSINE - 0.05, False, ("add", None), id="below-the-duplicate-cosine-adds"),
    pytest.param(DUPLICATE_COSINE + 0.02, True, ("add", None), id="near-copy-opposite-polarity-adds"),
])
def test_near_copies_by_embedding(cosine: float, negated: bool, expected: tuple[str, str | None]) -> None:
    memory = _memory("User enjoys hiking in the Alps.", embedding=_unit(1))
    draft = _draft("User loves hiking in the alpine mountains.", negated=negated, embedding=_at_cosine(cosine))
    assert _decide(draft, [memory]) == expected


def test_a_near_copy_of_a_slot_fact_is_left_to_the_slot_rules() -> None:
    """"two cats" and "three cats" embed alike but are different values: not a repeat."""
    memory = _memory("User has two cats.", **CATS, value="2", embedding=_unit(1))
    draft = _draft("User has three cats.", **CATS, value="3", embedding=_at_cosine(0.99))
    assert _decide(draft, [memory], conflicts=True) == ("update", "m1")


def test_the_best_near_copy_wins() -> None:
    weaker = _memory("User enjoys hiking.", ident="weak", embedding=_at_cosine(0.94))
    stronger = _memory("User enjoys hiking in the Alps.", ident="strong", embedding=_at_cosine(0.99))
    assert _decide(_draft("User likes hiking in the Alps.", embedding=_unit(1)), [weaker, stronger]) == (
        "repeat", "strong")


def test_a_conflict_reason_names_both_values() -> None:
    draft = _draft("User lives in Berlin.", **HOME, value="Berlin")
    decision = OfflineConsolidator().decide(draft, WorkingSet([PARIS]), conflicts_enabled=True)
    assert "home" in decision.reason and "'Berlin'" in decision.reason and "'Paris'" in decision.reason


def test_the_working_set_follows_adds_and_removals() -> None:
    """What a session adds is seen by its later drafts; an updated memory stops counting."""
    working = WorkingSet([])
    consolidator = OfflineConsolidator()
    draft = _draft("User lives in Paris.", **HOME, value="Paris", embedding=_unit(1))
    assert consolidator.decide(draft, working, conflicts_enabled=True).action == "add"
    working.add(PARIS)
    assert consolidator.decide(draft, working, conflicts_enabled=True).action == "repeat"
    working.remove(PARIS)
    assert consolidator.decide(draft, working, conflicts_enabled=True).action == "add"
    assert working.similar(_unit(1), 0.5) == []


def test_memories_without_embeddings_do_not_break_similarity() -> None:
    bare = _memory("User enjoys hiking.", ident="bare")
    embedded = _memory("User enjoys skiing.", ident="embedded", embedding=_unit(1))
    working = WorkingSet([bare, embedded])
    assert [(m.id, round(score, 3)) for m, score in working.similar(_unit(1), 0.5)] == [("embedded", 1.0)]



def test_the_working_set_matrix_grows_and_shrinks_with_its_memories() -> None:
    """Past its first capacity, with removals in between, a search finds exactly the memories a brute force does."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(60, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    memories = [_memory(f"User fact {n}.", ident=f"m{n}", embedding=vectors[n] if n % 7 else None) for n in range(60)]
    working = WorkingSet(memories[:5])
    for memory in memories[5:]:
        working.add(memory)
    for memory in memories[10:40:3]:
        working.remove(memory)
    kept = [m for m in memories if m in working.memories]
    query = vectors[3]
    expected = sorted(((m.id, round(float(m.embedding @ query), 4)) for m in kept
                       if m.embedding is not None and float(m.embedding @ query) >= 0.2), key=lambda h: -h[1])
    assert [(m.id, round(score, 4)) for m, score in working.similar(query, 0.2)] == expected


# --- ended states: the next version of the fact they end ---------------------------------------------------------

USER: dict[str, Any] = {"subject": "User"}
BAND = _memory("User plays bass in a band called The Owls.", ident="band", **USER)
ACME = _memory("User works at Acme as a designer.", ident="acme", subject="User", slot="User:employer", value="Acme")
BOAT = _memory("User and family have a boat called Marlin.", ident="boat", **USER)
SUSHI = _memory("User loves sushi.", ident="sushi", subject="User", slot="User:likes:sushi", value="sushi")


@pytest.mark.parametrize(("draft", "memories", "expected"), [
    pytest.param(_draft("User stopped playing in the band.", **USER), [BAND], ("update", "band"),
                 id="stopped-playing-ends-the-band"),
    pytest.param(_draft("User quit their job.", **USER), [ACME], ("update", "acme"), id="quit-job-ends-the-employer"),
    pytest.param(_draft("User and family sold the boat.", **USER), [BOAT], ("update", "boat"), id="sold-ends-a-boat"),
    pytest.param(_draft("User left Acme.", **USER), [BAND, ACME], ("update", "acme"), id="left-picks-what-it-names"),
    pytest.param(_draft("User stopped by the bakery.", **USER), [BAND], ("add", None), id="stopped-by-ends-nothing"),
    pytest.param(_draft("User sold cookies at the fair.", **USER),
                 [_memory("User loves baking cookies.", **USER)], ("add", None), id="sold-cookies-ends-no-hobby"),
    pytest.param(_draft("User stopped playing in the band.", **USER),
                 [_memory("User's sister plays in a band.", **USER)], ("add", None), id="someone-elses-band"),
    pytest.param(_draft("Anna stopped playing in the band.", subject="Anna"), [BAND], ("add", None),
                 id="another-subject-ends-nothing"),
])
def test_an_ended_state_updates_what_it_ends(draft: Draft, memories: list[MemoryRecord],
                                              expected: tuple[str, str | None]) -> None:
    assert _decide(draft, memories, conflicts=True) == expected


def test_an_ended_state_is_an_update_not_a_conflict_and_keeps_the_detail() -> None:
    decision = OfflineConsolidator().decide(_draft("In May 2026, User stopped playing in the band.", **USER),
                                            WorkingSet([BAND]), conflicts_enabled=True)
    assert (decision.action, decision.reason, decision.ended) == ("update", "UPDATED", True)
    assert decision.content == "In May 2026, User stopped playing bass in a band called The Owls."


def test_a_negated_preference_with_a_marker_updates_even_with_conflicts_on() -> None:
    draft = _draft("User doesn't like sushi anymore.", subject="User", slot="User:likes:sushi", value="sushi",
                   negated=True, change_marker=True)
    assert _decide(draft, [SUSHI], conflicts=True) == ("update", "sushi")


def test_a_far_embedding_vetoes_an_ended_state() -> None:
    """The words match but the meaning does not: cosine below ENDED_COSINE leaves the old fact alone."""
    band = _memory(BAND.content, ident="band", **USER, embedding=_unit(1))
    near = _draft("User stopped playing in the band.", **USER, embedding=_at_cosine(ENDED_COSINE + 0.1))
    far = _draft("User stopped playing in the band.", **USER, embedding=_at_cosine(ENDED_COSINE - 0.1))
    assert _decide(near, [band]) == ("update", "band")
    assert _decide(far, [band]) == ("add", None)


def test_an_end_said_again_is_a_repeat_of_its_version() -> None:
    ended = _memory("User stopped playing bass in a band called The Owls.", ident="ended", **USER, negated=True)
    assert _decide(_draft("User stopped playing in the band.", **USER), [ended]) == ("repeat", "ended")


def test_a_restart_versions_the_end() -> None:
    ended = _memory("User stopped playing bass in a band called The Owls.", ident="ended", **USER, negated=True)
    assert _decide(_draft("User started playing in the band again.", **USER), [ended]) == ("update", "ended")


def test_a_new_value_after_an_ended_one_is_settled() -> None:
    """"User left Acme." (negated, employer) then "User works at Beta.": an update even with conflicts on."""
    left = _memory("User left Acme.", ident="left", subject="User", slot="User:employer", value="Acme", negated=True)
    draft = _draft("User works at Beta.", subject="User", slot="User:employer", value="Beta")
    assert _decide(draft, [left], conflicts=True) == ("update", "left")


def test_a_restatement_with_wrapping_is_a_repeat() -> None:
    memory = _memory("User is allergic to peanuts.", ident="peanuts", **USER)
    draft = _draft("Again, just so the assistant remembers: User is allergic to peanuts.", **USER)
    assert _decide(draft, [memory]) == ("repeat", "peanuts")
    assert _decide(_draft("User is allergic to cashews.", **USER), [memory]) == ("add", None)
