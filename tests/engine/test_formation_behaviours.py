"""Memory formation, one behaviour per small hand-written conversation, through the public SDK.

Every test talks to an embedded client (SQLite, in-process worker, the shared MiniLM model), adds a
conversation, lets ``session.process(wait=True)`` run the offline pipeline (extraction, dates,
categories, consolidation, connections, summary) and asserts the memories, versions, dates,
categories and merge conflicts that come out. Backdated sessions start on Monday 8 May 2023 13:56 UTC.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.client.memory_models import MergeConflictAnswer, UserMemoryItem
from recallr.exceptions import (
    InvalidCategoriesError,
    MemoryNotFoundError,
    MergeConflictAlreadyResolvedError,
    MergeConflictInvalidAnswerError,
    MergeConflictInvalidQuestionsError,
    MergeConflictMissingAnswersError,
    MergeConflictNotFoundError,
    ValidationError,
)
from recallr.models import MessageRole, SessionStatus
from recallr.types import MergeConflictStatus

from ..conftest import shared_embedder

MONDAY = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)  # the reference of every backdated conversation
BOTH = "Both are true"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RecallrAI]:
    """Embedded only (this module tests formation, not transports), with the shared model."""
    with RecallrAI.embedded(tmp_path / "d", worker_poll_seconds=0.05) as c:
        c._embedded.engine._embedder = shared_embedder()
        yield c


# --- helpers ----------------------------------------------------------------------------------------

def bot(text: str) -> tuple[MessageRole, str]:
    """An assistant turn (plain strings are user turns)."""
    return MessageRole.ASSISTANT, text


def converse(user: Any, *turns: str | tuple[MessageRole, str], at: datetime | None = None,
             metadata: dict[str, Any] | None = None) -> Any:
    """One session with ``turns``, processed; returns the session."""
    session = user.create_session(custom_created_at_utc=at, metadata=metadata)
    for turn in turns:
        role, text = turn if isinstance(turn, tuple) else (MessageRole.USER, turn)
        session.add_message(role, text)
    session.process(wait=True, timeout=30, poll_interval=0.02)
    assert session.status == SessionStatus.PROCESSED, session
    return session


def memories(user: Any, **filters: Any) -> list[UserMemoryItem]:
    return list(user.list_memories(limit=200, **filters).items)


def contents(user: Any, **filters: Any) -> set[str]:
    return {m.content for m in memories(user, **filters)}


def only(user: Any) -> UserMemoryItem:
    found = memories(user)
    assert len(found) == 1, [m.content for m in found]
    return found[0]


def by_content(user: Any, content: str) -> UserMemoryItem:
    found = [m for m in memories(user) if m.content == content]
    assert len(found) == 1, f"{content!r} not among {[m.content for m in memories(user)]}"
    return found[0]


def only_content_prefix(user: Any, prefix: str) -> UserMemoryItem:
    found = [m for m in memories(user) if m.content.startswith(prefix)]
    assert len(found) == 1, [m.content for m in memories(user)]
    return found[0]


def sources(memory: UserMemoryItem) -> set[tuple[str, int]]:
    return {(s.session_id, s.message_index) for s in memory.sources}


def day(y: int, m: int, d: int, end: bool = False) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=UTC) if end else datetime(y, m, d, tzinfo=UTC)


def settle(conflict: Any, timeout: float = 20.0) -> list[MergeConflictStatus]:
    """Refresh ``conflict`` until the worker has resolved it; the distinct statuses seen, in order."""
    seen = [conflict.status]
    deadline = time.monotonic() + timeout
    while conflict.status not in (MergeConflictStatus.RESOLVED, MergeConflictStatus.FAILED):
        assert time.monotonic() < deadline, f"conflict still {conflict.status} after {timeout} s"
        time.sleep(0.02)
        conflict.refresh()
        if conflict.status != seen[-1]:
            seen.append(conflict.status)
    return seen


def home_conflict(client: RecallrAI, name: str = "conflicted") -> tuple[Any, Any]:
    """A user (conflicts on) who lived in Paris and now, unsettled, says Berlin: (user, its PENDING conflict)."""
    user = client.create_user(name, merge_conflict_enabled=True)
    converse(user, "I live in Paris.")
    converse(user, "I live in Berlin.")
    listed = user.list_merge_conflicts().conflicts
    assert len(listed) == 1
    return user, listed[0]


def answer(conflict: Any, option: int) -> MergeConflictAnswer:
    question = conflict.clarifying_questions[0]
    return MergeConflictAnswer(question=question.question, answer=question.options[option])


# --- one fact, its wording and its categories --------------------------------------------------------

SINGLE_FACTS = [
    pytest.param("I love hiking in the mountains.", "User loves hiking in the mountains.", "preferences",
                 id="preference"),
    pytest.param("I hate horror movies.", "User hates horror movies.", "preferences", id="dislike"),
    pytest.param("I am allergic to peanuts.", "User is allergic to peanuts.", "allergies", id="allergy"),
    pytest.param("I am lactose intolerant.", "User is lactose intolerant.", "allergies", id="intolerance"),
    pytest.param("My favorite food is sushi.", "User's favorite food is sushi.", "food_preferences",
                 id="favourite-food"),
    pytest.param("I love spicy Thai food.", "User loves spicy Thai food.", "food_preferences", id="food-preference"),
    pytest.param("I am vegetarian.", "User is vegetarian.", "food_preferences", id="diet"),
    pytest.param("I play the violin.", "User plays the violin.", "hobbies", id="hobby"),
    pytest.param("I have a dog named Rex.", "User has a dog named Rex.", "pets", id="pet"),
    pytest.param("I work as an architect.", "User works as an architect.", "work", id="job"),
    pytest.param("My sister Anna lives in Madrid.", "User's sister Anna lives in Madrid.", "family", id="family"),
    pytest.param("I live in Lisbon.", "User lives in Lisbon.", "location", id="home"),
]


@pytest.mark.parametrize(("message", "content", "category"), SINGLE_FACTS)
def test_single_fact(client: RecallrAI, message: str, content: str, category: str) -> None:
    user = client.create_user("u")
    session = converse(user, message)
    memory = only(user)
    assert memory.content == content
    assert memory.categories[0] == category
    assert 1 <= len(memory.categories) <= 3
    assert set(memory.categories) <= {c.name for c in client.list_categories()}
    assert (memory.version_number, memory.total_versions, memory.has_previous_versions) == (1, 1, False)
    assert memory.previous_versions == [] and memory.merge_conflict_in_progress is False
    assert memory.expired_at is None and memory.expiration_reason is None
    assert memory.session_id == session.session_id
    assert sources(memory) == {(session.session_id, 0)}


# --- versions: a single-valued fact that changes -----------------------------------------------------

def test_move_makes_a_new_version(client: RecallrAI) -> None:
    user = client.create_user("u")
    first = converse(user, "I live in Paris.")
    second = converse(user, "I moved to Berlin.")
    memory = only(user)
    assert memory.content == "User moved to Berlin."
    assert (memory.version_number, memory.total_versions, memory.has_previous_versions) == (2, 2, True)
    assert memory.session_id == second.session_id
    assert memory.expired_at is None
    [previous] = memory.previous_versions or []
    assert (previous.content, previous.version_number, previous.expiration_reason) == ("User lives in Paris.", 1,
                                                                                       "UPDATED")
    assert previous.expired_at is not None and previous.expired_at >= previous.created_at
    assert previous.merge_conflict_id is None
    assert user.list_merge_conflicts().total == 0
    old = user.get_memory(previous.memory_id)
    assert old.session_id == first.session_id


def test_job_change_with_now(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I work as a nurse.")
    converse(user, "I now work as a teacher.")
    memory = only(user)
    assert memory.content == "User now works as a teacher."
    assert memory.categories[0] == "work"
    assert memory.version_number == 2
    assert [(v.content, v.expiration_reason) for v in memory.previous_versions or []] == [
        ("User works as a nurse.", "UPDATED")]


def test_job_change_with_new_job(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I work as a nurse.")
    converse(user, "I got a new job as a teacher.")
    memory = only(user)
    assert memory.version_number == 2
    assert [v.content for v in memory.previous_versions or []] == ["User works as a nurse."]


def test_count_grows_with_now(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I have two cats.")
    converse(user, "I have three cats now.")
    memory = only(user)
    assert memory.content == "User has three cats now."
    assert memory.categories == ["pets"]
    assert [(v.content, v.expiration_reason) for v in memory.previous_versions or []] == [
        ("User has two cats.", "UPDATED")]


def test_grown_count_settles_the_change_without_a_marker(client: RecallrAI) -> None:
    """A count that grew is a change even with merge conflicts on (no conflict is raised)."""
    user = client.create_user("u", merge_conflict_enabled=True)
    converse(user, "I have two cats.")
    converse(user, "I have three cats.")
    memory = only(user)
    assert (memory.content, memory.version_number) == ("User has three cats.", 2)
    assert memory.previous_versions and memory.previous_versions[0].expiration_reason == "UPDATED"
    assert user.list_merge_conflicts().total == 0


def test_shrunk_count_without_a_marker_is_a_contradiction(client: RecallrAI) -> None:
    user = client.create_user("u", merge_conflict_enabled=False)
    converse(user, "I have two cats.")
    converse(user, "I have one cat.")
    memory = only(user)
    assert (memory.content, memory.version_number) == ("User has one cat.", 2)
    assert memory.previous_versions and memory.previous_versions[0].expiration_reason == "CONTRADICTED"


def test_no_longer_negates_the_old_fact(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I am vegetarian.")
    converse(user, "I am no longer vegetarian.")
    memory = only(user)
    assert memory.content == "User is no longer vegetarian."
    assert [(v.content, v.expiration_reason) for v in memory.previous_versions or []] == [
        ("User is vegetarian.", "UPDATED")]


def test_three_moves_make_a_chain_of_three(client: RecallrAI) -> None:
    user = client.create_user("u")
    for text in ("I live in Paris.", "I moved to Berlin.", "I moved to Rome."):
        converse(user, text)
    memory = only(user)
    assert (memory.content, memory.version_number, memory.total_versions) == ("User moved to Rome.", 3, 3)
    assert [(v.version_number, v.content) for v in memory.previous_versions or []] == [
        (1, "User lives in Paris."), (2, "User moved to Berlin.")]
    oldest = user.get_memory((memory.previous_versions or [])[0].memory_id)
    assert (oldest.version_number, oldest.total_versions, oldest.previous_versions) == (1, 3, [])


# --- dates ---------------------------------------------------------------------------------------

DATES = [
    pytest.param("I went to a support group yesterday.", "On 7 May 2023, User went to a support group.",
                 day(2023, 5, 7), day(2023, 5, 7, end=True), id="yesterday"),
    pytest.param("I ran a charity race last Monday.", "On 1 May 2023, User ran a charity race.",
                 day(2023, 5, 1), day(2023, 5, 1, end=True), id="last-monday"),
    pytest.param("I started pottery classes two weeks ago.",
                 "In the week of 24 April 2023, User started pottery classes.",
                 day(2023, 4, 24), day(2023, 4, 30, end=True), id="two-weeks-ago"),
    pytest.param("I will fly to Tokyo next month.", "In June 2023, User will fly to Tokyo.",
                 day(2023, 6, 1), day(2023, 6, 30, end=True), id="next-month"),
    pytest.param("I graduated from college in 2019.", "User graduated from college in 2019.",
                 day(2019, 1, 1), day(2019, 12, 31, end=True), id="in-2019"),
    pytest.param("I adopted a dog on March 3rd.", "On 3 March 2023, User adopted a dog.",
                 day(2023, 3, 3), day(2023, 3, 3, end=True), id="on-march-3rd"),
    pytest.param("I went camping with my kids last weekend.",
                 "On the weekend of 6-7 May 2023, User went camping with their kids.",
                 day(2023, 5, 6), day(2023, 5, 7, end=True), id="last-weekend"),
    pytest.param("I painted a sunrise last week.", "In the week of 1 May 2023, User painted a sunrise.",
                 day(2023, 5, 1), day(2023, 5, 7, end=True), id="last-week"),
]


@pytest.mark.parametrize(("message", "content", "start", "end"), DATES)
def test_event_date_is_resolved_against_the_message_time(client: RecallrAI, message: str, content: str,
                                                         start: datetime, end: datetime) -> None:
    user = client.create_user("u")
    converse(user, message, at=MONDAY)
    memory = only(user)
    assert memory.content == content
    assert (memory.event_date_start, memory.event_date_end) == (start, end)


def test_no_time_expression_dates_the_event_at_the_message(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "Hi!", bot("Hello!"), "I play the violin.", at=MONDAY)
    [_, _, message] = session.get_messages().messages
    memory = only(user)
    assert memory.content == "User plays the violin."
    assert memory.event_date_start == memory.event_date_end == message.timestamp
    assert MONDAY <= message.timestamp < datetime(2023, 5, 8, 14, 0, tzinfo=UTC)
    assert memory.created_at.date() == MONDAY.date(), "a backdated session forms memories on its own clock"


# --- the assistant, small talk, questions ----------------------------------------------------------

def test_assistant_book_recommendation(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "Can you suggest a good science fiction book?",
                       bot("I recommend the book Dune by Frank Herbert."))
    memory = only(user)
    assert memory.content == "Assistant recommended the book Dune by Frank Herbert to the user."
    assert memory.categories == ["assistant_recommendations"]
    assert sources(memory) == {(session.session_id, 1)}


def test_assistant_restaurant_recommendation(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "Where should I eat tonight in Rome?",
             bot("I recommend the restaurant Roscioli near Campo de Fiori."))
    memory = only(user)
    assert memory.content == "Assistant recommended the restaurant Roscioli near Campo de Fiori to the user."
    assert memory.categories[0] == "assistant_recommendations"


def test_small_talk_yields_nothing(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "Hi there!", bot("Hello! How can I help you today?"), "Thanks, that is all. Bye!",
                       bot("Goodbye!"))
    assert session.status == SessionStatus.PROCESSED
    assert memories(user) == []
    assert user.list_memories().total == 0


def test_an_empty_question_yields_nothing(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "What time is it in Tokyo?")
    converse(user, "How do I boil an egg?", bot("Put it in boiling water for about nine minutes."))
    assert memories(user) == []


# --- who said it, how many facts, said again -------------------------------------------------------

def test_name_prefix_attributes_the_statement(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "Caroline: I went to an LGBTQ support group yesterday.",
                       "Melanie: That is great! I painted a lake sunrise last year.",
                       "Caroline: Wow, I would love to see it.", "Melanie: I will show you next time.", at=MONDAY)
    caroline = by_content(user, "On 7 May 2023, Caroline went to an LGBTQ support group.")
    melanie = by_content(user, "In 2022, Melanie painted a lake sunrise.")
    assert sources(caroline) == {(session.session_id, 0)} and sources(melanie) == {(session.session_id, 1)}
    assert (melanie.event_date_start, melanie.event_date_end) == (day(2022, 1, 1), day(2022, 12, 31, end=True))
    assert not any("User" in m.content for m in memories(user)), [m.content for m in memories(user)]


def test_name_prefix_of_a_one_line_speaker_attributes_the_statement(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "Caroline: I went to an LGBTQ support group yesterday.",
             "Melanie: That is great! I painted a lake sunrise last year.", at=MONDAY)
    assert contents(user) == {"On 7 May 2023, Caroline went to an LGBTQ support group.",
                              "In 2022, Melanie painted a lake sunrise."}


def test_a_multi_fact_message_yields_one_memory_per_fact(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "I am a vegetarian. I live in Lisbon. I have a dog named Rex.")
    found = {m.content: m for m in memories(user)}
    assert set(found) == {"User is a vegetarian.", "User lives in Lisbon.", "User has a dog named Rex."}
    assert {m.categories[0] for m in found.values()} == {"food_preferences", "location", "pets"}
    assert all(sources(m) == {(session.session_id, 0)} for m in found.values())


def test_a_multi_fact_sentence_yields_one_memory_per_fact(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I am a vegetarian, I live in Lisbon and I have a dog named Rex.")
    assert contents(user) == {"User is a vegetarian.", "User lives in Lisbon.", "User has a dog named Rex."}


def test_a_repeat_in_a_later_session_only_adds_a_source(client: RecallrAI) -> None:
    user = client.create_user("u")
    first = converse(user, "I am allergic to peanuts.")
    before = only(user)
    second = converse(user, "Hello again.", bot("Welcome back!"), "By the way, I am allergic to peanuts.")
    after = only(user)
    assert after.memory_id == before.memory_id and after.version_number == 1
    assert after.content == "User is allergic to peanuts."
    assert sources(after) == {(first.session_id, 0), (second.session_id, 2)}


def test_a_chatty_opener_is_dropped(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I am allergic to peanuts.")
    converse(user, "Just so you know, I am allergic to peanuts.")
    assert contents(user) == {"User is allergic to peanuts."}


def test_a_repeat_in_the_same_session_is_one_memory_with_two_sources(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "I am allergic to peanuts.", bot("Noted."), "Remember, I am allergic to peanuts.")
    assert sources(only(user)) == {(session.session_id, 0), (session.session_id, 2)}


def test_sources_point_at_the_right_messages(client: RecallrAI) -> None:
    user = client.create_user("u")
    session = converse(user, "Hi!", bot("Hello! How are you?"), "I have a cat named Milo.", bot("Cute!"),
                       "I live in Oslo.")
    assert sources(by_content(user, "User has a cat named Milo.")) == {(session.session_id, 2)}
    assert sources(by_content(user, "User lives in Oslo.")) == {(session.session_id, 4)}
    texts = [m.content for m in session.get_messages().messages]
    assert texts[2] == "I have a cat named Milo." and texts[4] == "I live in Oslo."


# --- merge conflicts ------------------------------------------------------------------------------

def test_contradiction_with_conflicts_enabled_is_a_pending_conflict(client: RecallrAI) -> None:
    user, conflict = home_conflict(client)
    second = user.list_sessions(limit=1).sessions[0]
    paris = only(user)
    assert paris.content == "User lives in Paris." and paris.merge_conflict_in_progress is True
    assert paris.version_number == 1, "an unresolved conflict changes nothing"
    assert conflict.status == MergeConflictStatus.PENDING
    assert conflict.proposed_memory_content == "User lives in Berlin."
    assert conflict.session_id == second.session_id
    assert conflict.new_memories is None and conflict.resolved_at is None and conflict.resolution_data is None
    [existing] = conflict.conflicting_memories
    assert (existing.memory_id, existing.content) == (paris.memory_id, "User lives in Paris.")
    assert "Berlin" in existing.reason and "Paris" in existing.reason
    [question] = conflict.clarifying_questions
    assert "User lives in Berlin." in question.question and "User lives in Paris." in question.question
    assert question.options == ["User lives in Berlin.", "User lives in Paris.", BOTH]
    fetched = user.get_merge_conflict(conflict.conflict_id)
    assert (fetched.status, fetched.clarifying_questions) == (conflict.status, conflict.clarifying_questions)


def test_contradiction_with_conflicts_disabled_newer_wins(client: RecallrAI) -> None:
    user = client.create_user("u", merge_conflict_enabled=False)
    converse(user, "I live in Paris.")
    converse(user, "I live in Berlin.")
    memory = only(user)
    assert (memory.content, memory.version_number, memory.merge_conflict_in_progress) == (
        "User lives in Berlin.", 2, False)
    assert [(v.content, v.expiration_reason) for v in memory.previous_versions or []] == [
        ("User lives in Paris.", "CONTRADICTED")]
    assert user.list_merge_conflicts().total == 0


@pytest.mark.parametrize(("project", "override", "conflict"), [
    pytest.param(True, False, False, id="project-on-user-off"),
    pytest.param(False, True, True, id="project-off-user-on"),
    pytest.param(True, None, True, id="project-on-user-inherits"),
    pytest.param(False, None, False, id="project-off-user-inherits"),
])
def test_user_override_beats_the_project_default(client: RecallrAI, project: bool, override: bool | None,
                                                 conflict: bool) -> None:
    assert client.update_project(merge_conflicts_enabled=project).merge_conflicts_enabled is project
    assert client.get_project().merge_conflicts_enabled is project
    user = client.create_user("u", merge_conflict_enabled=override)
    converse(user, "My favorite color is blue.")
    converse(user, "My favorite color is green.")
    memory = only(user)
    if conflict:
        assert user.list_merge_conflicts(status=MergeConflictStatus.PENDING).total == 1
        assert (memory.content, memory.merge_conflict_in_progress) == ("User's favorite color is blue.", True)
    else:
        assert user.list_merge_conflicts().total == 0
        assert (memory.content, memory.version_number) == ("User's favorite color is green.", 2)


def test_resolving_for_the_proposed_statement_makes_it_the_next_version(client: RecallrAI) -> None:
    user, conflict = home_conflict(client)
    paris = only(user)
    conflict.resolve([answer(conflict, 0)])
    assert conflict.status in (MergeConflictStatus.IN_QUEUE, MergeConflictStatus.RESOLVING,
                               MergeConflictStatus.RESOLVED)
    seen = settle(conflict)
    assert seen[0] == MergeConflictStatus.IN_QUEUE and seen[-1] == MergeConflictStatus.RESOLVED, seen
    assert conflict.resolved_at is not None and conflict.resolved_at >= conflict.created_at
    assert conflict.resolution_data is not None
    assert conflict.resolution_data["answers"][0]["answer"] == "User lives in Berlin."
    berlin = only(user)
    assert (berlin.content, berlin.version_number, berlin.merge_conflict_in_progress) == (
        "User lives in Berlin.", 2, False)
    [previous] = berlin.previous_versions or []
    assert (previous.memory_id, previous.expiration_reason, previous.merge_conflict_id) == (
        paris.memory_id, "MERGE_CONFLICT", conflict.conflict_id)
    assert [(m.memory_id, m.content) for m in conflict.new_memories or []] == [(berlin.memory_id, berlin.content)]
    old = user.get_memory(paris.memory_id)
    assert (old.expiration_reason, old.merge_conflict_id) == ("MERGE_CONFLICT", conflict.conflict_id)


def test_resolving_for_the_existing_memory_changes_nothing(client: RecallrAI) -> None:
    user, conflict = home_conflict(client)
    paris = only(user)
    conflict.resolve([answer(conflict, 1)])
    assert settle(conflict)[-1] == MergeConflictStatus.RESOLVED
    kept = only(user)
    assert (kept.memory_id, kept.content, kept.version_number) == (paris.memory_id, "User lives in Paris.", 1)
    assert kept.merge_conflict_in_progress is False
    assert not conflict.new_memories


def test_resolving_both_true_keeps_two_current_memories(client: RecallrAI) -> None:
    user, conflict = home_conflict(client)
    conflict.resolve([answer(conflict, 2)])
    assert settle(conflict)[-1] == MergeConflictStatus.RESOLVED
    found = {m.content: m for m in memories(user)}
    assert set(found) == {"User lives in Paris.", "User lives in Berlin."}
    assert all(m.version_number == 1 and not m.merge_conflict_in_progress for m in found.values())
    assert [m.memory_id for m in conflict.new_memories or []] == [found["User lives in Berlin."].memory_id]


def test_each_resolve_error(client: RecallrAI) -> None:
    user, conflict = home_conflict(client)
    question = conflict.clarifying_questions[0]
    with pytest.raises(MergeConflictInvalidQuestionsError) as invalid_question:
        conflict.resolve([answer(conflict, 0), MergeConflictAnswer(question="Where is Paris?", answer="France")])
    assert invalid_question.value.invalid_questions == ["Where is Paris?"]
    assert invalid_question.value.http_status == 400
    with pytest.raises(MergeConflictMissingAnswersError) as missing:
        conflict.resolve([])
    assert missing.value.missing_questions == [question.question]
    with pytest.raises(MergeConflictInvalidAnswerError) as invalid_answer:
        conflict.resolve([MergeConflictAnswer(question=question.question, answer="Both are false")])
    assert invalid_answer.value.valid_options == question.options
    assert invalid_answer.value.question == question.question
    conflict.refresh()
    assert conflict.status == MergeConflictStatus.PENDING, "a rejected answer must not queue the conflict"
    stale = user.get_merge_conflict(conflict.conflict_id)
    conflict.resolve([answer(conflict, 1)])
    with pytest.raises(MergeConflictAlreadyResolvedError):  # the server refuses: no longer PENDING
        stale.resolve([answer(stale, 0)])
    settle(conflict)
    with pytest.raises(MergeConflictAlreadyResolvedError):  # the SDK refuses a RESOLVED conflict itself
        conflict.resolve([answer(conflict, 0)])
    with pytest.raises(MergeConflictNotFoundError):
        user.get_merge_conflict(str(uuid.uuid4()))
    assert only(user).content == "User lives in Paris."


def test_list_merge_conflicts_filters_and_sorts(client: RecallrAI) -> None:
    user = client.create_user("u", merge_conflict_enabled=True)
    converse(user, "I live in Paris. I work as a nurse. My favorite color is blue.")
    for text in ("I live in Berlin.", "I work as a teacher.", "My favorite color is green."):
        converse(user, text)
    newest_first = user.list_merge_conflicts().conflicts
    assert [c.proposed_memory_content for c in newest_first] == [
        "User's favorite color is green.", "User works as a teacher.", "User lives in Berlin."]
    color, job, home = newest_first
    assert sum(m.merge_conflict_in_progress for m in memories(user)) == 3
    job.resolve([answer(job, 0)])
    settle(job)
    home.resolve([answer(home, 1)])
    settle(home)

    def ids(**kwargs: Any) -> list[str]:
        return [c.conflict_id for c in user.list_merge_conflicts(**kwargs).conflicts]

    assert ids(sort_by="created_at", sort_order="desc") == [color.conflict_id, job.conflict_id, home.conflict_id]
    assert ids(sort_by="created_at", sort_order="asc") == [home.conflict_id, job.conflict_id, color.conflict_id]
    # unresolved conflicts have no resolved_at and come last either way
    assert ids(sort_by="resolved_at", sort_order="asc") == [job.conflict_id, home.conflict_id, color.conflict_id]
    assert ids(sort_by="resolved_at", sort_order="desc") == [home.conflict_id, job.conflict_id, color.conflict_id]
    assert ids(status=MergeConflictStatus.PENDING) == [color.conflict_id]
    assert set(ids(status=MergeConflictStatus.RESOLVED)) == {job.conflict_id, home.conflict_id}
    assert ids(status=MergeConflictStatus.IN_QUEUE) == []
    page = user.list_merge_conflicts(limit=2)
    assert (len(page.conflicts), page.total, page.has_more) == (2, 3, True)
    rest = user.list_merge_conflicts(offset=2, limit=2)
    assert ([c.conflict_id for c in rest.conflicts], rest.has_more) == ([home.conflict_id], False)
    current = {m.content: m for m in memories(user)}
    assert set(current) == {"User lives in Paris.", "User works as a teacher.", "User's favorite color is blue."}
    assert [c for c, m in current.items() if m.merge_conflict_in_progress] == ["User's favorite color is blue."]


# --- deleting and reading versions --------------------------------------------------------------------

def test_deleting_the_current_version_makes_the_previous_current(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I live in Paris.")
    converse(user, "I moved to Berlin.")
    berlin = only(user)
    user.delete_memory(berlin.memory_id)
    paris = only(user)
    assert (paris.content, paris.version_number, paris.total_versions) == ("User lives in Paris.", 1, 1)
    assert paris.expired_at is None and paris.expiration_reason is None
    with pytest.raises(MemoryNotFoundError):
        user.get_memory(berlin.memory_id)


def test_delete_previous_versions_removes_the_whole_chain(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I live in Paris.")
    converse(user, "I moved to Berlin.")
    converse(user, "I have a cat named Milo.")
    berlin = by_content(user, "User moved to Berlin.")
    paris_id = (berlin.previous_versions or [])[0].memory_id
    user.delete_memory(berlin.memory_id, delete_previous_versions=True)
    assert contents(user) == {"User has a cat named Milo."}
    for gone in (berlin.memory_id, paris_id):
        with pytest.raises(MemoryNotFoundError):
            user.get_memory(gone)


def test_deleting_an_old_version_keeps_the_current_one(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I live in Paris.")
    converse(user, "I moved to Berlin.")
    berlin = only(user)
    user.delete_memory((berlin.previous_versions or [])[0].memory_id)
    after = only(user)
    assert (after.memory_id, after.version_number, after.total_versions, after.previous_versions) == (
        berlin.memory_id, 2, 1, [])


def test_get_memory_on_an_old_version_shows_its_expiry(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I live in Paris.")
    converse(user, "I moved to Berlin.")
    berlin = only(user)
    old = user.get_memory((berlin.previous_versions or [])[0].memory_id)
    assert (old.content, old.version_number, old.total_versions) == ("User lives in Paris.", 1, 2)
    assert old.expired_at is not None and old.expiration_reason == "UPDATED"
    assert old.expired_at == (berlin.previous_versions or [])[0].expired_at
    current = user.get_memory(berlin.memory_id, include_previous_versions=False, include_connected_memories=False)
    assert current.expired_at is None and current.expiration_reason is None
    assert current.previous_versions is None and current.connected_memories is None
    assert current.total_versions == 2 and current.has_previous_versions is True
    with pytest.raises(MemoryNotFoundError):
        user.get_memory(str(uuid.uuid4()))


# --- listing -------------------------------------------------------------------------------------

def test_list_memories_filters(client: RecallrAI) -> None:
    user = client.create_user("u")
    pets = converse(user, "I have a cat named Milo.", metadata={"topic": "pets"})
    work = converse(user, "I work as an architect.", metadata={"topic": "work", "n": 2})
    assert contents(user) == {"User has a cat named Milo.", "User works as an architect."}
    assert contents(user, categories=["pets"]) == {"User has a cat named Milo."}
    assert contents(user, categories=["pets", "work"]) == {"User has a cat named Milo.",
                                                           "User works as an architect."}
    assert contents(user, categories=["travel"]) == set()
    assert contents(user, session_id_filter=[work.session_id]) == {"User works as an architect."}
    assert contents(user, session_id_filter=[pets.session_id, work.session_id]) == contents(user)
    assert contents(user, session_metadata_filter={"topic": "pets"}) == {"User has a cat named Milo."}
    assert contents(user, session_metadata_filter={"topic": "work", "n": 2}) == {"User works as an architect."}
    assert contents(user, session_metadata_filter={"topic": "none"}) == set()
    assert contents(user, categories=["work"], session_id_filter=[pets.session_id]) == set()


def test_list_memories_limit_bounds_and_paging(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I have a cat named Milo.")
    converse(user, "I work as an architect.")
    first = user.list_memories(limit=1)
    assert ([m.content for m in first.items], first.total, first.has_more) == (
        ["User works as an architect."], 2, True)
    second = user.list_memories(offset=1, limit=1)
    assert ([m.content for m in second.items], second.has_more) == (["User has a cat named Milo."], False)
    assert len(user.list_memories(limit=200).items) == 2
    for bad in (0, 201):
        with pytest.raises(ValidationError) as error:
            user.list_memories(limit=bad)
        assert error.value.http_status == 422


def test_unknown_category_filter_is_rejected(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I have a cat named Milo.")
    with pytest.raises(InvalidCategoriesError) as error:
        user.list_memories(categories=["pets", "spaceships", "Pets"])
    assert error.value.invalid_categories == ["spaceships", "Pets"]
    assert error.value.http_status == 400


# --- categories ------------------------------------------------------------------------------------

def test_a_custom_category_files_new_memories(client: RecallrAI) -> None:
    created = client.create_category("sports", "Sports the user plays or watches.")
    assert created.name == "sports"
    user = client.create_user("u")
    converse(user, "I play tennis every Saturday.", bot("Nice!"), "I also watch football on Sundays.")
    tennis = by_content(user, "User plays tennis every Saturday.")
    football = by_content(user, "User also watches football on Sundays.")
    assert "sports" in tennis.categories and "sports" in football.categories
    assert contents(user, categories=["sports"]) == {tennis.content, football.content}


def test_deleting_a_category_keeps_its_memories(client: RecallrAI) -> None:
    client.create_category("sports", "Sports the user plays or watches.")
    user = client.create_user("u")
    converse(user, "I play tennis every Saturday.")
    client.delete_category("sports")
    assert "sports" not in {c.name for c in client.list_categories()}
    memory = only(user)
    assert memory.content == "User plays tennis every Saturday." and "sports" in memory.categories
    with pytest.raises(InvalidCategoriesError) as error:
        user.list_memories(categories=["sports"])
    assert error.value.invalid_categories == ["sports"]


# --- connections -----------------------------------------------------------------------------------

def test_memories_about_the_same_pet_are_connected(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I have a dog named Rex.")
    converse(user, "I took Rex to the vet yesterday.", at=MONDAY)
    converse(user, "I work as an architect.")
    rex = by_content(user, "User has a dog named Rex.")
    vet = by_content(user, "On 7 May 2023, User took Rex to the vet.")
    job = by_content(user, "User works as an architect.")
    assert [(c.memory_id, c.content) for c in rex.connected_memories or []] == [(vet.memory_id, vet.content)]
    assert [c.memory_id for c in vet.connected_memories or []] == [rex.memory_id]
    assert job.connected_memories == []


def test_memories_about_the_same_person_are_connected(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "My sister Anna lives in Madrid.")
    converse(user, "I visited Anna last weekend.", at=MONDAY)
    anna = by_content(user, "User's sister Anna lives in Madrid.")
    visit = by_content(user, "On the weekend of 6-7 May 2023, User visited Anna.")
    assert [c.memory_id for c in anna.connected_memories or []] == [visit.memory_id]
    assert [c.memory_id for c in visit.connected_memories or []] == [anna.memory_id]


def test_a_sentence_starting_with_the_name_is_connected(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "My dog Rex loves the beach.")
    converse(user, "Rex chewed my shoes yesterday.", at=MONDAY)
    beach = by_content(user, "User's dog Rex loves the beach.")
    assert len(beach.connected_memories or []) == 1


def test_connections_follow_the_current_version(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I live in Paris.")
    converse(user, "I love walking along the Seine in Paris.")
    converse(user, "I moved to Berlin.")
    berlin = by_content(user, "User moved to Berlin.")
    walk = only_content_prefix(user, "User loves walking")
    # the home chain was connected through Paris; the connection follows the chain to its current version
    assert [c.memory_id for c in walk.connected_memories or []] == [berlin.memory_id]


# --- sessions and users ----------------------------------------------------------------------------

def test_deleting_a_session_removes_its_memories(client: RecallrAI) -> None:
    user = client.create_user("u")
    doomed = converse(user, "I have a cat named Milo.")
    converse(user, "I work as an architect.")
    milo = by_content(user, "User has a cat named Milo.")
    doomed.delete()
    assert contents(user) == {"User works as an architect."}
    with pytest.raises(MemoryNotFoundError):
        user.get_memory(milo.memory_id)


def test_deleting_a_session_removes_only_its_source_of_a_repeated_fact(client: RecallrAI) -> None:
    user = client.create_user("u")
    first = converse(user, "I am allergic to peanuts.")
    second = converse(user, "I am allergic to peanuts.")
    second.delete()
    assert sources(only(user)) == {(first.session_id, 0)}


def test_deleting_the_session_of_the_latest_version_reinstates_the_previous(client: RecallrAI) -> None:
    user = client.create_user("u")
    converse(user, "I live in Paris.")
    converse(user, "I moved to Berlin.").delete()
    memory = only(user)
    assert (memory.content, memory.expired_at) == ("User lives in Paris.", None)


def test_deleting_the_session_of_a_conflict_clears_the_flag(client: RecallrAI) -> None:
    user, conflict = home_conflict(client)
    user.get_session(conflict.session_id).delete()
    assert user.list_merge_conflicts().total == 0
    assert only(user).merge_conflict_in_progress is False


def test_renaming_a_user_keeps_its_memories(client: RecallrAI) -> None:
    user = client.create_user("before")
    converse(user, "I have a cat named Milo.")
    milo = only(user)
    user.update(new_user_id="after")
    renamed = client.get_user("after")
    assert only(renamed).memory_id == milo.memory_id
    assert renamed.get_memory(milo.memory_id).content == "User has a cat named Milo."


def test_users_are_isolated(client: RecallrAI) -> None:
    alice, bob = client.create_user("alice"), client.create_user("bob")
    alice_session = converse(alice, "I live in Paris.")
    converse(bob, "I live in Paris.")
    mine, theirs = only(alice), only(bob)
    assert mine.content == theirs.content == "User lives in Paris."
    assert mine.memory_id != theirs.memory_id
    assert sources(mine) == {(alice_session.session_id, 0)}
    with pytest.raises(MemoryNotFoundError):
        bob.get_memory(mine.memory_id)
    assert contents(bob, session_id_filter=[alice_session.session_id]) == set()
    converse(bob, "I moved to Berlin.")
    assert only(alice).version_number == 1 and only(bob).version_number == 2
    bob.delete_memory(only(bob).memory_id, delete_previous_versions=True)
    assert only(alice).memory_id == mine.memory_id
