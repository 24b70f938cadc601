"""End to end through the public SDK (embedded, both backends): the model's answers become memories, versions,
summaries and usage; every failure ends in the offline stage or a failed, retriable session, never a lost one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.models import SessionStatus

from .conftest import conversation, llm_client, process
from .fake_openai import FakeLLM, Reply
from .scripted import ScriptedModel

MAY_8 = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)  # a Monday


def engine_of(client: RecallrAI) -> Any:
    return client._embedded.engine


def project_id(client: RecallrAI) -> str:
    return str(engine_of(client).projects.all()[0].id)


def summary_of(client: RecallrAI, session_id: str) -> tuple[str, list[int]]:
    with engine_of(client).db.read() as tx:
        row = tx.one("SELECT content, sources FROM session_summaries WHERE session_id = ?", [session_id])
    import json

    return row["content"], json.loads(row["sources"])


def test_answers_become_memories_with_categories_dates_sources_and_summary(
        client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.remember("support group", "On 7 May 2023, Caroline went to an LGBTQ support group.",
                   categories=["Events", "relationships", "made_up"], subject="Caroline",
                   event_start="2023-05-07", event_end="2023-05-07")
    model.summary = "Caroline told Melanie about the support group she went to."
    user = client.create_user("caroline")
    session = process(conversation(user, "Caroline: I went to a LGBTQ support group yesterday.",
                                   "Melanie: That's wonderful!", custom_created_at_utc=MAY_8))
    assert session.status == SessionStatus.PROCESSED
    (memory,) = user.list_memories().items
    assert memory.content == "On 7 May 2023, Caroline went to an LGBTQ support group."
    assert memory.categories == ["events", "relationships"]
    assert memory.event_date_start == datetime(2023, 5, 7, tzinfo=UTC)
    assert memory.event_date_end.date() == datetime(2023, 5, 7).date()
    assert [(s.session_id, s.message_index) for s in memory.sources] == [(session.session_id, 0)]
    text, sources = summary_of(client, session.session_id)
    assert text == "Session on 8 May 2023: Caroline told Melanie about the support group she went to."
    assert sources == [0]
    (request,) = fake_llm.chats()  # one call: extraction with its summary; no consolidation without memories
    assert request.task == "extraction"
    assert "Session date: Monday, 8 May 2023 (2023-05-08)" in request.user_text
    assert "[0] user: Caroline: I went to a LGBTQ support group yesterday." in request.user_text
    assert "- allergies: Allergies and intolerances" in request.system_text


def test_memories_without_dates_take_the_message_time(client: RecallrAI, model: ScriptedModel) -> None:
    model.remember("tea", "User likes green tea.")
    user = client.create_user("u")
    process(conversation(user, "I like green tea.", custom_created_at_utc=MAY_8))
    (memory,) = user.list_memories().items
    assert memory.event_date_start == memory.event_date_end
    assert abs((memory.event_date_start - MAY_8).total_seconds()) < 60
    assert memory.categories  # chosen offline from the project's set when the model gives none


def test_update_verdict_makes_the_next_version(client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.remember("Paris", "User lives in Paris.", categories=["location"])
    model.remember("Berlin", "User moved to Berlin.", categories=["location"], changed=True)
    model.verdict("Berlin", "update", "Paris", "User moved.")
    user = client.create_user("u")
    process(conversation(user, "I live in Paris."))
    process(conversation(user, "I moved to Berlin."))
    (memory,) = user.list_memories(include_previous_versions=True).items
    assert memory.content == "User moved to Berlin." and memory.version_number == 2
    assert [(v.content, v.expiration_reason) for v in memory.previous_versions or []] == [
        ("User lives in Paris.", "UPDATED")]
    (consolidation,) = fake_llm.chats("consolidation")
    assert "E1: User lives in Paris." in consolidation.user_text
    assert "N1: User moved to Berlin." in consolidation.user_text and "may concern E1" in consolidation.user_text


def test_ignore_verdict_adds_the_source_to_the_existing_memory(client: RecallrAI, model: ScriptedModel) -> None:
    model.remember("peanut", "User is allergic to peanuts.", categories=["allergies"])
    model.remember("nuts", "User has a peanut allergy.", categories=["allergies"])
    model.verdict("peanut allergy", "ignore", "allergic to peanuts")
    user = client.create_user("u")
    first = process(conversation(user, "I'm allergic to peanut butter."))
    second = process(conversation(user, "Remember: no nuts for me."))
    (memory,) = user.list_memories().items
    assert memory.content == "User is allergic to peanuts."
    assert {(s.session_id, s.message_index) for s in memory.sources} == {(first.session_id, 0),
                                                                        (second.session_id, 0)}


def test_conflict_gets_the_models_questions_and_answers_are_applied(
        client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    client.update_project(merge_conflicts_enabled=True)
    model.remember("Paris", "User lives in Paris.", categories=["location"])
    model.remember("Berlin", "User lives in Berlin.", categories=["location"])
    model.verdict("Berlin", "conflict", "Paris", "You said you live in Paris, now Berlin.")
    model.resolution = {"outcome": "new", "content": "User moved from Paris to Berlin in May 2023.",
                        "reasoning": "They moved."}
    user = client.create_user("u")
    process(conversation(user, "I live in Paris."))
    process(conversation(user, "I live in Berlin."))
    (conflict,) = user.list_merge_conflicts().conflicts
    assert conflict.proposed_memory_content == "User lives in Berlin."
    assert [c.reason for c in conflict.conflicting_memories] == ["You said you live in Paris, now Berlin."]
    assert [(q.question, q.options) for q in conflict.clarifying_questions] == [
        ("Where do you live now?", ["In the new place", "Still in the old place"])]
    (clarify,) = fake_llm.chats("clarification")
    assert "New statement: User lives in Berlin." in clarify.user_text
    assert "user: I live in Berlin." in clarify.user_text
    from recallr.models import MergeConflictAnswer

    conflict.resolve([MergeConflictAnswer(question="Where do you live now?", answer="In the new place",
                                          message="since May")])
    _wait_resolved(user, conflict.conflict_id)
    (memory,) = user.list_memories(include_previous_versions=True).items
    assert memory.content == "User moved from Paris to Berlin in May 2023." and memory.version_number == 2
    assert memory.previous_versions and memory.previous_versions[0].expiration_reason == "MERGE_CONFLICT"
    (resolution,) = fake_llm.chats("resolution")
    assert "Q: Where do you live now?\nA: In the new place\nThey added: since May" in resolution.user_text


def test_resolution_falls_back_to_the_chosen_options_outcome(
        client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    client.update_project(merge_conflicts_enabled=True)
    model.remember("Paris", "User lives in Paris.")
    model.remember("Berlin", "User lives in Berlin.")
    model.verdict("Berlin", "conflict", "Paris", "Two homes.")
    model.overrides["resolution"] = lambda _: Reply(status=400, error="context length exceeded")
    user = client.create_user("u")
    process(conversation(user, "I live in Paris."))
    process(conversation(user, "I live in Berlin."))
    (conflict,) = user.list_merge_conflicts().conflicts
    from recallr.models import MergeConflictAnswer

    conflict.resolve([MergeConflictAnswer(question="Where do you live now?", answer="Still in the old place")])
    _wait_resolved(user, conflict.conflict_id)
    assert [m.content for m in user.list_memories().items] == ["User lives in Paris."]


def test_conflicts_disabled_means_newer_wins(client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.remember("Paris", "User lives in Paris.")
    model.remember("Berlin", "User lives in Berlin.")
    model.verdict("Berlin", "conflict", "Paris", "Two homes.")
    user = client.create_user("u")
    process(conversation(user, "I live in Paris."))
    process(conversation(user, "I live in Berlin."))
    (memory,) = user.list_memories(include_previous_versions=True).items
    assert memory.content == "User lives in Berlin."
    assert memory.previous_versions and memory.previous_versions[0].expiration_reason == "CONTRADICTED"
    assert not fake_llm.chats("clarification")  # no questions needed: nobody will be asked


def _wait_resolved(user: Any, conflict_id: str) -> None:
    from tests.conftest import wait_for

    wait_for(lambda: user.get_merge_conflict(conflict_id).status.value == "RESOLVED", timeout=30)


def test_malformed_answer_is_retried_with_the_error(client: RecallrAI, fake_llm: FakeLLM,
                                                    model: ScriptedModel) -> None:
    fake_llm.script(Reply(content='{"memories": [{"text": "User likes tea."}], "summary": 3'),
                    Reply(content="```json\n{'memories': [{'content': 'User likes tea.'}], 'summary': 'Tea.'}\n```"))
    user = client.create_user("u")
    session = process(conversation(user, "I like tea."))
    assert [m.content for m in user.list_memories().items] == ["User likes tea."]
    _first, second = fake_llm.chats("extraction")
    assert second.body["messages"][-1]["role"] == "user"
    assert "could not be used" in second.body["messages"][-1]["content"]
    usage = engine_of(client).llm.usage(project_id(client), session.session_id)
    assert usage["by_task"]["extraction"]["calls"] == 2 and usage["by_task"]["extraction"]["retries"] == 1


def test_unreachable_model_falls_back_to_the_offline_steps(tmp_path: Path, database_url: str | None,
                                                          fake_llm: FakeLLM) -> None:
    fake_llm.responder = lambda _: Reply(status=503)
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_max_retries=1) as client:
        user = client.create_user("u")
        session = process(conversation(user, "I'm allergic to peanuts.", "Noted."))
        assert session.status == SessionStatus.PROCESSED
        assert [m.content for m in user.list_memories().items] == ["User is allergic to peanuts."]
        usage = engine_of(client).llm.usage(project_id(client), session.session_id)
        assert usage["by_task"]["extraction"]["fallbacks"] == 1 and usage["by_task"]["summary"]["fallbacks"] == 1
        assert usage["total"]["calls"] == 0 and usage["total"]["failures"] == 0
        assert len(fake_llm.chats("extraction")) == 2  # the first try and one retry


def test_fail_mode_keeps_the_reason_and_the_session_retriable(tmp_path: Path, database_url: str | None,
                                                              fake_llm: FakeLLM) -> None:
    fake_llm.responder = lambda _: Reply(status=500)
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_fallback="fail", llm_max_retries=0,
                    max_attempts=2) as client:
        user = client.create_user("u")
        session = process(conversation(user, "I like tea."))
        assert session.status == SessionStatus.FAILED
        assert session.error is not None and "gave up after 1 attempts: HTTP 500" in session.error
        assert len(fake_llm.chats("extraction")) == 2  # max_attempts
        usage = engine_of(client).llm.usage(project_id(client), session.session_id)
        assert usage["by_task"]["extraction"]["failures"] == 2
        scripted = ScriptedModel()
        scripted.remember("tea", "User likes tea.")
        fake_llm.responder = scripted
        assert engine_of(client).llm.retry_failed(project_id(client)) == 1
        from tests.conftest import wait_for

        wait_for(lambda: user.get_session(session.session_id).status == SessionStatus.PROCESSED)
        assert [m.content for m in user.list_memories().items] == ["User likes tea."]
        assert user.get_session(session.session_id).error is None


def test_a_session_is_batched_into_few_calls(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> None:
    scripted = ScriptedModel()
    scripted.remember("number", "User said a number.")
    fake_llm.responder = scripted
    texts = [f"Message number {i} about my day." for i in range(45)]
    with llm_client(tmp_path / "a", database_url, fake_llm) as client:
        process(conversation(client.create_user("u"), *texts[:40]))
        assert len(fake_llm.chats("extraction")) == 1  # 40 messages, one call
    fake_llm.requests.clear()
    with llm_client(tmp_path / "b", database_url, fake_llm, llm_context_window=1536,
                    llm_max_output_tokens=512) as client:
        process(conversation(client.create_user("u2"), *texts))
        calls = fake_llm.chats("extraction")
        batches = [[i for i, _, _ in call.lines()] for call in calls]
        assert sorted(i for batch in batches for i in batch) == list(range(45))  # every message exactly once
        assert all(len(batch) <= 20 for batch in batches) and len(calls) == 3
        later = next(c for c in calls if c.lines()[0][0] > 0)
        assert "for context only" in later.user_text


def test_a_cut_off_answer_splits_the_batch(client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.remember("day", "User had a day.")
    fake_llm.script(Reply(content='{"memories": [{"content": "User', finish_reason="length"))
    process(conversation(client.create_user("u"), *[f"My day {i}." for i in range(6)]))
    first, *halves = fake_llm.chats("extraction")
    assert [len(c.lines()) for c in [first, *halves]] == [6, 3, 3]


def test_never_remember_rules_reach_the_prompt_and_filter_the_answers(
        client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    engine_of(client).llm.update_project_settings(project_id(client), {
        "never_remember": ["salary"], "extraction_instructions": "Remember the user's projects.",
        "examples": [{"message": "My boss is Tom.", "memories": ["User's boss is Tom."]}]})
    model.remember("salary", "User's salary is 90k.")
    model.remember("garden", "User is building a garden shed.")
    user = client.create_user("u")
    process(conversation(user, "My salary is 90k and I'm building a garden shed."))
    assert [m.content for m in user.list_memories().items] == ["User is building a garden shed."]
    system = fake_llm.chats("extraction")[0].system_text
    assert "Never remember anything about: salary" in system and "Remember the user's projects." in system
    assert "Message: My boss is Tom." in system


def test_offline_projects_use_their_rules_and_never_call_the_model(
        client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    view = engine_of(client).llm.update_project_settings(project_id(client), {"mode": "offline",
                                                                              "never_remember": ["salary"]})
    assert view["effective"]["llm_enabled"] is False
    user = client.create_user("u")
    process(conversation(user, "My salary is 90k.", "OK.", "I'm allergic to peanuts."))
    assert [m.content for m in user.list_memories().items] == ["User is allergic to peanuts."]
    assert fake_llm.requests == []


def test_no_model_configured_is_the_offline_pipeline(tmp_path: Path, database_url: str | None,
                                                     fake_llm: FakeLLM) -> None:
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_model=None) as client:
        user = client.create_user("u")
        process(conversation(user, "I'm allergic to peanuts."))
        user.create_session().add_message("user", "What am I allergic to?")
        assert [m.content for m in user.list_memories().items] == ["User is allergic to peanuts."]
    assert fake_llm.requests == []


def test_usage_is_counted_per_session_and_project(client: RecallrAI, model: ScriptedModel) -> None:
    model.remember("Paris", "User lives in Paris.")
    model.remember("Berlin", "User moved to Berlin.")
    model.verdict("Berlin", "update", "Paris")
    user = client.create_user("u")
    first = process(conversation(user, "I live in Paris."))
    second = process(conversation(user, "I moved to Berlin."))
    llm = engine_of(client).llm
    one = llm.usage(project_id(client), first.session_id)
    two = llm.usage(project_id(client), second.session_id)
    assert set(one["by_task"]) == {"extraction"} and set(two["by_task"]) == {"extraction", "consolidation"}
    everything = llm.usage(project_id(client))
    assert everything["total"]["calls"] == 3
    assert everything["total"]["prompt_tokens"] == one["total"]["prompt_tokens"] + two["total"]["prompt_tokens"] > 0
    assert {s["session_id"] for s in everything["sessions"]} == {first.session_id, second.session_id}


@pytest.mark.parametrize(("settings", "most"), [
    pytest.param({"llm_max_concurrency": 2, "llm_endpoint_concurrency": 4}, 2, id="process-limit"),
    pytest.param({"llm_max_concurrency": 4, "llm_endpoint_concurrency": 3}, 3, id="endpoint-limit"),
    pytest.param({"llm_max_concurrency": 4}, 1, id="local-server-default-1"),
])
def test_the_concurrency_limits_hold_across_sessions(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM,
                                                     settings: dict[str, int], most: int) -> None:
    scripted = ScriptedModel()
    scripted.remember("tea", "User likes tea.")
    fake_llm.responder = scripted
    fake_llm.latency = 0.1
    with llm_client(tmp_path / "d", database_url, fake_llm, worker_concurrency=4, **settings) as client:
        sessions = [conversation(client.create_user(f"u{i}"), "I like tea.") for i in range(6)]
        for session in sessions:
            session.process()
        from tests.conftest import wait_for

        wait_for(lambda: all(s.refresh() or s.status == SessionStatus.PROCESSED for s in sessions))
    assert fake_llm.max_in_flight == most and len(fake_llm.chats("extraction")) == 6


def test_embedding_model_from_the_endpoint_is_cached(tmp_path: Path, database_url: str | None,
                                                     fake_llm: FakeLLM) -> None:
    scripted = ScriptedModel()
    scripted.remember("tea", "User likes tea.")
    fake_llm.responder = scripted
    client = RecallrAI.embedded(tmp_path / "d", llm_base_url=fake_llm.url, llm_model="fake-model",
                                llm_embedding_model="fake-embed", database_url=database_url, worker_poll_seconds=0.05)
    with client:
        user = client.create_user("u")
        session = process(conversation(user, "I like tea."))
        embedded = [t for r in fake_llm.requests if r.path.endswith("/embeddings") for t in r.body["input"]]
        # the memory is embedded once; the message it says in full is searched through it (not embedded itself)
        assert embedded.count("User likes tea.") == 1 and "I like tea." not in embedded
        context = session.get_context(recall_strategy="low_latency")
        assert "User likes tea." in context.context
        session.get_context(recall_strategy="low_latency")
        again = [t for r in fake_llm.requests if r.path.endswith("/embeddings") for t in r.body["input"]]
        assert again.count("I like tea.") == 1  # the recall query, embedded once: the second time from the cache
        assert {r.body["model"] for r in fake_llm.requests if r.path.endswith("/embeddings")} == {"fake-embed"}


def test_each_half_of_a_split_batch_has_its_own_fallback(client: RecallrAI, fake_llm: FakeLLM) -> None:
    fake_llm.script(Reply(content='{"memories": [{"content": "User', finish_reason="length"),
                    Reply(json={"memories": [{"content": "User likes green tea.", "sources": [0]}], "summary": "Tea."}),
                    Reply(content="no idea"), Reply(content="still no idea"))
    fake_llm.responder = lambda _: Reply(json={"summary": "Tea and pets."})
    user = client.create_user("u")
    session = user.create_session(auto_process_after_seconds=None)
    for text in ("I like green tea.", "I live in Lyon.", "I'm allergic to peanuts.", "I have two cats."):
        session.add_message("user", text)
    process(session)
    contents = {m.content for m in user.list_memories().items}
    assert "User likes green tea." in contents  # the model's half
    assert "User is allergic to peanuts." in contents  # the other half, offline
    usage = engine_of(client).llm.usage(project_id(client), session.session_id)["by_task"]["extraction"]
    assert usage["calls"] == 4 and usage["fallbacks"] == 1
