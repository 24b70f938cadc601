"""get_context through our SDK: parameters, thresholds, dates in the requested timezone, metadata, streaming."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recallr import RecallrAI
from recallr.exceptions import SessionNotFoundError, ValidationError
from recallr.models import MessageRole

FACTS = [
    "I'm allergic to peanuts.",
    "I went to an LGBTQ support group yesterday.",
    "My dog Max loves the beach.",
    "I work as a nurse at St Mary's hospital.",
    "I moved to Lisbon last month.",
    "My sister Anna plays the cello.",
]


@pytest.fixture
def history(client: RecallrAI) -> tuple[RecallrAI, object]:
    user = client.create_user("ctx")
    session = user.create_session(custom_created_at_utc=datetime(2023, 5, 8, 13, 56, tzinfo=UTC))
    for fact in FACTS:
        session.add_message(MessageRole.USER, fact)
    session.process(wait=True)
    return client, user


def _ask(user: object, question: str, when: datetime | None = None) -> object:
    session = user.create_session(custom_created_at_utc=when or datetime(2023, 5, 20, 10, tzinfo=UTC))  # type: ignore[attr-defined]
    session.add_message(MessageRole.USER, question)
    return session


@pytest.mark.parametrize("strategy", ["low_latency", "balanced", "agentic", "deep"])
def test_each_strategy_finds_the_fact_with_its_date(history: tuple[RecallrAI, object], strategy: str) -> None:
    _, user = history
    session = _ask(user, "When did I go to the support group?")
    result = session.get_context(recall_strategy=strategy, include_metadata_ids=True, include_system_prompt=False)
    assert result.is_final and "7 May 2023" in result.context and "support group" in result.context
    assert result.metadata.recall_strategy_used == strategy
    assert result.metadata.memory_ids and result.metadata.session_ids
    assert any(s.message_index == 1 for s in result.metadata.sources)
    assert (result.metadata.agent_reasoning is not None) == (strategy in ("agentic", "deep"))


def test_auto_reports_its_choice_and_system_prompt_is_prepended(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "Does my sister Anna know my dog Max and what does Anna play?")
    result = session.get_context(recall_strategy="auto", include_metadata_ids=True)
    assert result.metadata.recall_strategy_used == "agentic"
    assert result.context.startswith("You have access to long-term memory")
    assert "cello" in result.context


def test_threshold_semantics(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "peanuts")
    few = session.get_context(min_top_k=5, max_top_k=10, memories_threshold=0.8, include_metadata_ids=True)
    assert len(few.metadata.memory_ids) == 5  # nothing clears 0.8: topped up to min_top_k
    loose = session.get_context(min_top_k=5, max_top_k=10, memories_threshold=0.2, include_metadata_ids=True)
    assert 5 <= len(loose.metadata.memory_ids) <= 6  # all six memories clear 0.2 but MMR may drop a near-copy


def test_temporal_query_becomes_a_date_filter(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "What did I do last week?", when=datetime(2023, 5, 15, 9, tzinfo=UTC))
    result = session.get_context(include_metadata_ids=True, include_system_prompt=False)
    (span,) = result.metadata.date_range_filters
    assert span.filter_type == "event_date"
    assert (span.start_date.date().isoformat(), span.end_date.date().isoformat()) == ("2023-05-08", "2023-05-14")


def test_timezone_and_recent_messages(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "Where do I work?")
    result = session.get_context(timezone="America/Los_Angeles", last_n_messages=1, last_n_summaries=1,
                                 include_system_prompt=False)
    assert "(America/Los_Angeles)" in result.context and "03:00" in result.context  # 10:00 UTC shown in LA
    assert "Recent messages in this conversation" in result.context and "Where do I work?" in result.context
    assert "Summaries of earlier conversations" in result.context


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"min_top_k": 4}, "min_top_k", id="min-low"),
        pytest.param({"max_top_k": 101}, "max_top_k", id="max-high"),
        pytest.param({"memories_threshold": 0.9}, "memories_threshold", id="threshold-high"),
        pytest.param({"summaries_threshold": 0.1}, "summaries_threshold", id="summaries-low"),
        pytest.param({"last_n_messages": 0}, "last_n_messages", id="last-n-zero"),
        pytest.param({"last_n_summaries": 21}, "last_n_summaries", id="summaries-many"),
        pytest.param({"timezone": "Mars/Olympus"}, "IANA", id="bad-timezone"),
        pytest.param({"min_top_k": 40, "max_top_k": 20}, "must not exceed", id="min-above-max"),
    ],
)
def test_out_of_range_is_422(history: tuple[RecallrAI, object], kwargs: dict[str, object], message: str) -> None:
    _, user = history
    session = _ask(user, "hello")
    with pytest.raises(ValidationError, match=message):
        session.get_context(**kwargs)


def test_stream_ends_with_the_final_context(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "What is my dog called?")
    events = list(session.get_context_stream(include_metadata_ids=True, include_system_prompt=False))
    assert events[-1].is_final and "Max" in events[-1].context
    assert all(not e.is_final and e.status_update_message for e in events[:-1]) and len(events) >= 2


def test_missing_session(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "hi")
    session.delete()
    with pytest.raises(SessionNotFoundError):
        session.get_context()


def test_context_says_each_statement_once(history: tuple[RecallrAI, object]) -> None:
    _, user = history
    session = _ask(user, "Tell me about my dog Max and my sister Anna")
    result = session.get_context(include_system_prompt=False, last_n_summaries=1, memories_threshold=0.2)
    assert result.context.count("Max loves the beach") == 1  # a memory line, not repeated by the summary


def test_generic_statements_do_not_crowd_out_the_answer(client: RecallrAI) -> None:
    user = client.create_user("generic")
    session = user.create_session(custom_created_at_utc=datetime(2023, 8, 25, 13, tzinfo=UTC))
    for text in ["I'm so grateful for my friends.", "My friends really support me.", "I feel accepted and loved.",
                 "Art gives me a sense of freedom.", "I love my community so much.", "I'm proud of who I am.",
                 "I made a stained glass window for a local church."]:
        session.add_message(MessageRole.USER, f"Caroline: {text}")
    session.process(wait=True)
    asked = _ask(user, "What did Caroline make for the church?", when=datetime(2023, 9, 1, tzinfo=UTC))
    result = asked.get_context(recall_strategy="low_latency", min_top_k=5, include_system_prompt=False)
    first = result.context.split("\n- ", 1)[1]
    assert "stained glass window" in first.splitlines()[0]
