"""The official ``recallrai`` SDK 0.6.6 from PyPI, unmodified, against ``recallr serve``.

Every scenario runs twice: with ``RecallrAI`` (sync) and ``AsyncRecallrAI`` (async). Scenarios are
written once, async; ``conftest.to_sync`` strips ``await`` for the sync run. Each runs in the SDK's own
virtualenv (see ``conftest.SdkRunner`` and ``sdk_driver.py``) and emits JSON that is asserted here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import SdkRunner

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(params=[pytest.param("sync", id="sync"), pytest.param("async", id="async")])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0), f"{value} is not UTC-aware"
    return parsed


def assert_recent(value: str, slack: timedelta = timedelta(minutes=5)) -> None:
    now = datetime.now(UTC)
    assert now - slack <= ts(value) <= now + slack, f"{value} is not close to now ({now.isoformat()})"


def kind(mode: str, name: str) -> str:
    """The SDK class name for ``mode``: User / AsyncUser, Session / AsyncSession."""
    return f"Async{name}" if mode == "async" else name


# --- users ----------------------------------------------------------------------------------------

def test_create_and_get_user(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        alice = await client.create_user(uid("alice"), metadata={"plan": "pro", "n": 1, "nested": {"x": [1, 2]}},
                                         merge_conflict_enabled=True)
        bob = await client.create_user(uid("bob"))
        carol = await client.create_user(uid("carol"), metadata={}, merge_conflict_enabled=False)
        fetched = await client.get_user(uid("alice"))
        longest = await client.create_user(uid("x") + "x" * (255 - len(uid("x"))))
        spaced = await client.create_user(uid("名前 with space"))
        spaced_again = await client.get_user(uid("名前 with space"))
        emit(alice=user_dict(alice), bob=user_dict(bob), carol=user_dict(carol), fetched=user_dict(fetched),
             longest=user_dict(longest), spaced=user_dict(spaced), spaced_again=user_dict(spaced_again))
    """)
    p = out["prefix"]
    alice, bob, carol, fetched = out["alice"], out["bob"], out["carol"], out["fetched"]
    assert alice["type"] == fetched["type"] == kind(mode, "User")
    assert alice["user_id"] == fetched["user_id"] == f"{p}-alice"
    assert alice["metadata"] == fetched["metadata"] == {"plan": "pro", "n": 1, "nested": {"x": [1, 2]}}
    assert (alice["merge_conflict_enabled"], bob["merge_conflict_enabled"], carol["merge_conflict_enabled"]) == (
        True, None, False)
    assert fetched["merge_conflict_enabled"] is True
    assert bob["metadata"] == carol["metadata"] == {}
    assert fetched["created_at"] == alice["created_at"]
    for user in (alice, bob, carol):
        assert_recent(user["created_at"])
        assert ts(user["last_active_at"]) >= ts(user["created_at"])
    assert len(out["longest"]["user_id"]) == 255
    assert out["spaced"]["user_id"] == out["spaced_again"]["user_id"] == f"{p}-名前 with space"


def test_list_users_pagination_and_metadata_filter(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        for i in range(5):
            parity = "even" if i % 2 == 0 else "odd"
            await client.create_user(uid(f"u{i}"), metadata={"group": PREFIX, "parity": parity})
        group = {"group": PREFIX}
        first = await client.list_users(offset=0, limit=2, metadata_filter=group)
        second = await client.list_users(offset=2, limit=2, metadata_filter=group)
        last = await client.list_users(offset=4, limit=2, metadata_filter=group)
        beyond = await client.list_users(offset=10, limit=2, metadata_filter=group)
        even = await client.list_users(metadata_filter={"group": PREFIX, "parity": "even"})
        nobody = await client.list_users(metadata_filter={"group": PREFIX, "parity": "neither"})
        unfiltered = await client.list_users(limit=1000)
        default = await client.list_users()
        emit(pages=[page_dict(p) for p in (first, second, last, beyond)], even=page_dict(even),
             nobody=page_dict(nobody), unfiltered=page_dict(unfiltered), default=page_dict(default))
    """)
    p = out["prefix"]
    everyone = {f"{p}-u{i}" for i in range(5)}
    pages = out["pages"]
    assert [len(page["items"]) for page in pages] == [2, 2, 1, 0]
    assert [page["has_more"] for page in pages] == [True, True, False, False]
    assert {page["total"] for page in pages} == {5}
    listed = [u["user_id"] for page in pages for u in page["items"]]
    assert sorted(listed) == sorted(everyone), "pages overlap or miss users"
    assert pages[0]["type"] == "UserList" and pages[0]["items"][0]["type"] == kind(mode, "User")
    assert pages[0]["items"][0]["metadata"]["group"] == p
    assert {u["user_id"] for u in out["even"]["items"]} == {f"{p}-u0", f"{p}-u2", f"{p}-u4"}
    assert (out["even"]["total"], out["even"]["has_more"]) == (3, False)
    assert (out["nobody"]["items"], out["nobody"]["total"], out["nobody"]["has_more"]) == ([], 0, False)
    assert everyone <= {u["user_id"] for u in out["unfiltered"]["items"]}
    assert out["unfiltered"]["total"] >= 5
    assert len(out["default"]["items"]) == min(10, out["default"]["total"])  # the SDK's default limit is 10


def test_update_user_metadata_and_merge_conflict_flag(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("upd"), metadata={"a": 1})
        created = user_dict(user)
        await user.update(new_metadata={"b": 2, "deep": {"c": [3]}})
        after_metadata = user_dict(user)
        await user.update(merge_conflict_enabled=True)
        after_flag_on = user_dict(user)
        await user.update(merge_conflict_enabled=False)
        after_flag_off = user_dict(user)
        await user.update()
        after_noop = user_dict(user)
        await user.update(new_user_id=uid("upd"))
        after_same_id = user_dict(user)
        fetched = await client.get_user(uid("upd"))
        emit(created=created, after_metadata=after_metadata, after_flag_on=after_flag_on,
             after_flag_off=after_flag_off, after_noop=after_noop, after_same_id=after_same_id,
             fetched=user_dict(fetched))
    """)
    assert out["created"]["merge_conflict_enabled"] is None
    assert out["after_metadata"]["metadata"] == {"b": 2, "deep": {"c": [3]}}, "new_metadata replaces metadata"
    assert out["after_flag_on"]["merge_conflict_enabled"] is True
    assert out["after_flag_on"]["metadata"] == {"b": 2, "deep": {"c": [3]}}, "flag-only update kept metadata"
    assert out["after_flag_off"]["merge_conflict_enabled"] is False
    assert out["after_noop"] == out["after_flag_off"] | {"last_active_at": out["after_noop"]["last_active_at"]}
    assert out["after_same_id"]["user_id"] == f"{out['prefix']}-upd"
    fetched = out["fetched"]
    assert (fetched["metadata"], fetched["merge_conflict_enabled"]) == ({"b": 2, "deep": {"c": [3]}}, False)
    assert fetched["created_at"] == out["created"]["created_at"]
    stamps = [ts(out[k]["last_active_at"]) for k in ("created", "after_metadata", "after_flag_on", "fetched")]
    assert stamps == sorted(stamps), "last_active_at went backwards"


def test_rename_user_keeps_sessions_and_messages(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("old"), metadata={"keep": True})
        session = await user.create_session(metadata={"s": 1})
        await session.add_message(USER, "hello from before the rename")
        await session.add_message(ASSISTANT, "noted")
        await user.update(new_user_id=uid("new"))
        renamed = user_dict(user)
        fetched = await client.get_user(uid("new"))
        old_lookup = await capture(lambda: client.get_user(uid("old")))
        sessions = await fetched.list_sessions()
        again = await fetched.get_session(session.session_id)
        messages = await again.get_messages()
        last = await fetched.get_last_n_messages(10)
        reused = await client.create_user(uid("old"))
        reused_sessions = await reused.list_sessions()
        emit(session_id=session.session_id, renamed=renamed, fetched=user_dict(fetched), old_lookup=old_lookup,
             sessions=page_dict(sessions), messages=page_dict(messages), last=messages_dict(last),
             reused=user_dict(reused), reused_sessions=page_dict(reused_sessions))
    """)
    p, sid = out["prefix"], out["session_id"]
    assert out["renamed"]["user_id"] == out["fetched"]["user_id"] == f"{p}-new"
    assert out["fetched"]["metadata"] == {"keep": True}
    assert out["old_lookup"] == {"type": "UserNotFoundError", "module": "recallrai.exceptions.users",
                                 "message": f"User {p}-old not found", "http_status": 404}
    assert [s["session_id"] for s in out["sessions"]["items"]] == [sid]
    assert out["sessions"]["items"][0]["metadata"] == {"s": 1}
    assert [m["content"] for m in out["messages"]["items"]] == ["hello from before the rename", "noted"]
    assert [(m["content"], m["session_id"]) for m in out["last"]] == [
        ("hello from before the rename", sid), ("noted", sid)]
    assert out["reused"]["created_at"] != out["fetched"]["created_at"]
    assert out["reused_sessions"]["total"] == 0, "the old id, reused, must not inherit the renamed user's sessions"


def test_refresh_user_sees_changes_made_elsewhere(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        mine = await client.create_user(uid("r"), metadata={"v": 1})
        theirs = await client.get_user(uid("r"))
        await theirs.update(new_metadata={"v": 2}, merge_conflict_enabled=True)
        stale = user_dict(mine)
        await mine.refresh()
        refreshed = user_dict(mine)
        session = await theirs.create_session()
        await pause(0.05)
        await session.add_message(USER, "activity")
        await mine.refresh()
        emit(stale=stale, refreshed=refreshed, theirs=user_dict(theirs), after_activity=user_dict(mine))
    """)
    assert (out["stale"]["metadata"], out["stale"]["merge_conflict_enabled"]) == ({"v": 1}, None)
    assert (out["refreshed"]["metadata"], out["refreshed"]["merge_conflict_enabled"]) == ({"v": 2}, True)
    assert out["refreshed"]["created_at"] == out["stale"]["created_at"]
    assert out["refreshed"]["last_active_at"] == out["theirs"]["last_active_at"]
    assert ts(out["after_activity"]["last_active_at"]) > ts(out["refreshed"]["last_active_at"]), (
        "adding a message must move the user's last_active_at")


def test_delete_user_removes_everything(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("del"), metadata={"group": PREFIX})
        session = await user.create_session()
        await session.add_message(USER, "soon gone")
        await user.delete()
        after = await capture(lambda: client.get_user(uid("del")))
        listed = await client.list_users(metadata_filter={"group": PREFIX})
        again = await client.create_user(uid("del"))
        emit(after=after, listed=page_dict(listed), again_sessions=page_dict(await again.list_sessions()),
             again_messages=messages_dict(await again.get_last_n_messages(100)))
    """)
    assert out["after"] == {"type": "UserNotFoundError", "module": "recallrai.exceptions.users",
                            "message": f"User {out['prefix']}-del not found", "http_status": 404}
    assert (out["listed"]["items"], out["listed"]["total"]) == ([], 0)
    assert out["again_sessions"]["total"] == 0 and out["again_messages"] == []


# --- sessions and messages ------------------------------------------------------------------------

def test_session_lifecycle_and_processing(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("life"))
        session = await user.create_session(metadata={"topic": "travel"})
        created = session_dict(session)
        fetched = session_dict(await user.get_session(session.session_id))
        await session.add_message(USER, "I moved to Lisbon last month.")
        await session.add_message(ASSISTANT, "How are you finding Lisbon?")
        await session.add_message(USER, "Sunny!")
        await session.update(new_metadata={"topic": "moving", "n": 2})
        updated_local = session.metadata
        await session.refresh()
        refreshed = session_dict(session)
        before = page_dict(await session.get_messages())
        await session.process()
        local_after_process = session_dict(session)
        seen = await wait_status(session, "processed", 60)
        after = page_dict(await session.get_messages())
        processed_list = page_dict(await user.list_sessions(status_filter=[PROCESSED]))
        emit(created=created, fetched=fetched, updated_local=updated_local, refreshed=refreshed, before=before,
             local_after_process=local_after_process, seen=seen, final=session_dict(session), after=after,
             processed_list=processed_list)
    """)
    created, fetched, refreshed = out["created"], out["fetched"], out["refreshed"]
    assert created["type"] == kind(mode, "Session")
    assert re.fullmatch(UUID, created["session_id"])
    assert (created["status"], created["metadata"]) == ("pending", {"topic": "travel"})
    assert_recent(created["created_at"])
    assert fetched == created
    assert out["updated_local"] == {"topic": "moving", "n": 2}
    assert refreshed == created | {"metadata": {"topic": "moving", "n": 2}}
    before = out["before"]
    assert before["type"] == "SessionMessagesList" and (before["total"], before["has_more"]) == (3, False)
    assert [(m["role"], m["content"]) for m in before["items"]] == [
        ("user", "I moved to Lisbon last month."), ("assistant", "How are you finding Lisbon?"),
        ("user", "Sunny!")]
    stamps = [ts(m["timestamp"]) for m in before["items"]]
    assert stamps == sorted(stamps) and stamps[0] >= ts(created["created_at"])
    # process() only queues; the SDK keeps its local status until refresh().
    assert out["local_after_process"]["status"] == "pending"
    seen = out["seen"]
    assert seen[-1] == "processed", f"not processed within 60 s: {seen}"
    assert seen in (["processing", "processed"], ["processed"]), f"unexpected status sequence {seen}"
    assert out["final"]["status"] == "processed"
    assert out["after"]["items"] == before["items"], "processing must not change the messages"
    assert [s["session_id"] for s in out["processed_list"]["items"]] == [created["session_id"]]


def test_get_messages_pagination_and_order(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("pages"))
        session = await user.create_session()
        for i in range(7):
            await session.add_message(USER if i % 2 == 0 else ASSISTANT, f"message {i}")
        pages = [page_dict(await session.get_messages(offset=o, limit=3)) for o in (0, 3, 6, 7, 50)]
        emit(pages=pages, default=page_dict(await session.get_messages()),
             one=page_dict(await session.get_messages(offset=2, limit=1)))
    """)
    pages = out["pages"]
    assert [len(p["items"]) for p in pages] == [3, 3, 1, 0, 0]
    assert [p["has_more"] for p in pages] == [True, True, False, False, False]
    assert {p["total"] for p in pages} == {7}
    flat = [m for p in pages for m in p["items"]]
    assert [m["content"] for m in flat] == [f"message {i}" for i in range(7)]
    assert [m["role"] for m in flat] == ["user", "assistant"] * 3 + ["user"]
    assert all(m["type"] == "Message" for m in flat)
    assert flat == out["default"]["items"] and (out["default"]["total"], out["default"]["has_more"]) == (7, False)
    assert [m["content"] for m in out["one"]["items"]] == ["message 2"] and out["one"]["has_more"] is True
    stamps = [ts(m["timestamp"]) for m in flat]
    assert stamps == sorted(stamps)


def test_custom_created_at_sets_the_session_clock(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        start = datetime(2023, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
        user = await client.create_user(uid("clock"))
        session = await user.create_session(custom_created_at_utc=start, metadata={"imported": True})
        created = session_dict(session)
        await session.add_message(USER, "an old conversation")
        await pause(0.2)
        await session.add_message(ASSISTANT, "from 2023")
        await session.refresh()
        emit(created=created, refreshed=session_dict(session), messages=page_dict(await session.get_messages()),
             listed=page_dict(await user.list_sessions()), last=messages_dict(await user.get_last_n_messages(2)))
    """)
    start = datetime(2023, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
    assert ts(out["created"]["created_at"]) == start
    assert ts(out["refreshed"]["created_at"]) == start
    assert ts(out["listed"]["items"][0]["created_at"]) == start
    stamps = [ts(m["timestamp"]) for m in out["messages"]["items"]]
    assert len(stamps) == 2
    assert start <= stamps[0] < stamps[1] <= start + timedelta(minutes=2), f"{stamps} do not follow {start}"
    assert stamps[1] - stamps[0] >= timedelta(milliseconds=150), "the session clock must advance in real time"
    assert [ts(m["timestamp"]) for m in out["last"]] == stamps


def test_last_n_messages_span_sessions(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("lastn"))
        first = await user.create_session()
        for text in ("a1", "a2", "a3"):
            await first.add_message(USER, text)
        second = await user.create_session()
        await second.add_message(USER, "b1")
        await second.add_message(ASSISTANT, "b2")
        emit(first=first.session_id, second=second.session_id,
             four=messages_dict(await user.get_last_n_messages(4)),
             one=messages_dict(await user.get_last_n_messages(1)),
             all=messages_dict(await user.get_last_n_messages(100)))
    """)
    a, b = out["first"], out["second"]
    assert [(m["content"], m["session_id"]) for m in out["four"]] == [("a2", a), ("a3", a), ("b1", b), ("b2", b)]
    assert [m["role"] for m in out["four"]] == ["user", "user", "user", "assistant"]
    assert all(m["type"] == "UserMessage" for m in out["four"])
    assert [m["content"] for m in out["one"]] == ["b2"]
    assert [m["content"] for m in out["all"]] == ["a1", "a2", "a3", "b1", "b2"]
    stamps = [ts(m["timestamp"]) for m in out["all"]]
    assert stamps == sorted(stamps)


def test_list_sessions_filters_and_pagination(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("ls"))
        made = []
        for i in range(4):
            session = await user.create_session(metadata={"kind": "a" if i < 2 else "b", "i": i})
            await session.add_message(USER, f"session {i}")
            made.append(session)
        await made[0].process()
        seen = await wait_status(made[0], "processed", 60)
        results = {}
        for name, kwargs in {
            "page1": {"limit": 3},
            "page2": {"offset": 3, "limit": 3},
            "kind_a": {"metadata_filter": {"kind": "a"}},
            "kind_b_i3": {"metadata_filter": {"kind": "b", "i": 3}},
            "pending": {"status_filter": [PENDING]},
            "processed": {"status_filter": [PROCESSED]},
            "done_or_running": {"status_filter": [PROCESSING, PROCESSED]},
            "any": {"status_filter": [PENDING, PROCESSING, PROCESSED, FAILED]},
            "failed": {"status_filter": [FAILED]},
            "a_pending": {"metadata_filter": {"kind": "a"}, "status_filter": [PENDING]},
        }.items():
            results[name] = page_dict(await user.list_sessions(**kwargs))
        emit(ids=[s.session_id for s in made], seen=seen, results=results)
    """)
    ids, r = out["ids"], out["results"]
    assert out["seen"][-1] == "processed"

    def listed(name: str) -> set[str]:
        return {s["session_id"] for s in r[name]["items"]}

    assert r["page1"]["items"][0]["type"] == kind(mode, "Session")
    assert (len(r["page1"]["items"]), r["page1"]["total"], r["page1"]["has_more"]) == (3, 4, True)
    assert (len(r["page2"]["items"]), r["page2"]["total"], r["page2"]["has_more"]) == (1, 4, False)
    assert listed("page1") | listed("page2") == set(ids) and not listed("page1") & listed("page2")
    assert (listed("kind_a"), r["kind_a"]["total"]) == ({ids[0], ids[1]}, 2)
    assert listed("kind_b_i3") == {ids[3]}
    assert (listed("pending"), r["pending"]["total"]) == ({ids[1], ids[2], ids[3]}, 3)
    assert listed("processed") == listed("done_or_running") == {ids[0]}
    assert (listed("any"), r["any"]["total"]) == (set(ids), 4)
    assert (listed("failed"), r["failed"]["total"], r["failed"]["has_more"]) == (set(), 0, False)
    assert listed("a_pending") == {ids[1]}
    statuses = {s["session_id"]: s["status"] for s in r["any"]["items"]}
    assert statuses == {ids[0]: "processed", ids[1]: "pending", ids[2]: "pending", ids[3]: "pending"}


def test_delete_session_removes_it_and_its_messages(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        user = await client.create_user(uid("sdel"))
        doomed = await user.create_session()
        await doomed.add_message(USER, "doomed message")
        kept = await user.create_session()
        await kept.add_message(USER, "kept message")
        await doomed.delete()
        emit(doomed=doomed.session_id, kept=kept.session_id, sessions=page_dict(await user.list_sessions()),
             last=messages_dict(await user.get_last_n_messages(10)),
             lookup=await capture(lambda: user.get_session(doomed.session_id)),
             user=user_dict(await client.get_user(uid("sdel"))))
    """)
    assert [s["session_id"] for s in out["sessions"]["items"]] == [out["kept"]]
    assert out["sessions"]["total"] == 1
    assert [m["content"] for m in out["last"]] == ["kept message"]
    assert out["lookup"] == {"type": "SessionNotFoundError", "module": "recallrai.exceptions.sessions",
                             "message": f"Session {out['doomed']} not found", "http_status": 404}


def test_auto_processing_without_calling_process(sdk: SdkRunner, mode: str) -> None:
    """RECALLR_MIN_AUTO_PROCESS_SECONDS=0 lets auto_process_after_seconds=1 through; the worker does the rest."""
    out = sdk.run(mode, """
        user = await client.create_user(uid("auto"))
        quick = await user.create_session(auto_process_after_seconds=1)
        await quick.add_message(USER, "process me when I go quiet")
        slow = await user.create_session(auto_process_after_seconds=600)
        await slow.add_message(USER, "not for ten minutes")
        seen = await wait_status(quick, "processed", 15)
        await slow.refresh()
        emit(seen=seen, slow=session_dict(slow))
    """)
    assert out["seen"][-1] == "processed", f"auto-processing did not happen within 15 s: {out['seen']}"
    assert out["seen"][0] in ("pending", "processing", "processed")
    assert out["slow"]["status"] == "pending"


def test_system_prompt_through_the_sdk_http_client(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        prompts = {}
        for strategy in ("low_latency", "balanced", "agentic"):
            prompts[strategy] = await client._http.get_cached_system_prompt(strategy)
        cached = await client._http.get_cached_system_prompt("balanced")
        emit(prompts=prompts, cached_is_same=cached is prompts["balanced"])
    """)
    from recallr.prompts.system_prompt import system_prompt
    from recallr.types import RecallStrategy

    for strategy, text in out["prompts"].items():
        assert isinstance(text, str) and len(text) > 100, strategy
        assert text == system_prompt(RecallStrategy(strategy))
    assert out["cached_is_same"] is True


def test_projects_are_isolated(sdk: SdkRunner, mode: str) -> None:
    out = sdk.run(mode, """
        await client.create_user(uid("shared"), metadata={"project": "first"})
        other = make_client(api_key=OTHER_API_KEY, project_id=OTHER_PROJECT_ID)
        missing = await capture(lambda: other.get_user(uid("shared")))
        theirs = await other.create_user(uid("shared"), metadata={"project": "second"})
        mine = await client.get_user(uid("shared"))
        listed = await other.list_users(metadata_filter={"project": "first"})
        await theirs.delete()
        still_mine = await client.get_user(uid("shared"))
        emit(missing=missing, theirs=user_dict(theirs), mine=user_dict(mine), listed=page_dict(listed),
             still_mine=user_dict(still_mine))
    """)
    assert out["missing"] is not None and out["missing"]["type"] == "UserNotFoundError"
    assert out["theirs"]["metadata"] == {"project": "second"}
    assert out["mine"]["metadata"] == out["still_mine"]["metadata"] == {"project": "first"}
    assert out["listed"]["total"] == 0


def test_concurrent_async_calls(sdk: SdkRunner) -> None:
    """AsyncRecallrAI used concurrently: no lost messages, exactly one winner of a create race."""
    out = sdk.run("async", """
        user = await client.create_user(uid("conc"))
        session = await user.create_session()
        await asyncio.gather(*(session.add_message(USER, f"m{i}") for i in range(30)))
        page = await session.get_messages(limit=100)
        race = await asyncio.gather(*(client.create_user(uid("race")) for _ in range(8)), return_exceptions=True)
        emit(messages=page_dict(page), race=[type(r).__name__ for r in race])
    """)
    contents = [m["content"] for m in out["messages"]["items"]]
    assert out["messages"]["total"] == 30 and sorted(contents) == sorted(f"m{i}" for i in range(30))
    assert sorted(out["race"]) == ["AsyncUser"] + ["UserAlreadyExistsError"] * 7


# --- metadata filters: one setup, many filters (sync client; the filter is evaluated by the server) ---

_FILTER_USERS = {
    "int1": {"n": 1}, "float1": {"n": 1.5}, "true": {"n": True}, "str1": {"n": "1"}, "none": {"n": None},
    "obj": {"d": {"x": 1, "y": 2}}, "list": {"l": [1, 2, 3]}, "multi": {"n": 1, "tag": "a"},
}
FILTER_CASES = [
    pytest.param({"n": 1}, {"int1", "multi"}, id="int"),
    pytest.param({"n": True}, {"true"}, id="bool"),
    pytest.param({"n": "1"}, {"str1"}, id="string-is-not-number"),
    pytest.param({"n": 1.5}, {"float1"}, id="float"),
    pytest.param({"n": None}, {"none"}, id="null"),
    pytest.param({"n": 1, "tag": "a"}, {"multi"}, id="all-keys-must-match"),
    pytest.param({"l": [1, 2, 3]}, {"list"}, id="list"),
    pytest.param({"d": {"x": 1, "y": 2}}, {"obj"}, id="object"),
    pytest.param({"d": {"y": 2, "x": 1}}, {"obj"}, id="object-key-order"),
    pytest.param({"missing": 1}, set(), id="missing-key"),
    pytest.param({}, set(_FILTER_USERS), id="empty-filter"),
]


@pytest.fixture(scope="module")
def filter_results(sdk: SdkRunner) -> dict[str, Any]:
    """Create the _FILTER_USERS (each also as a user with a session carrying that metadata) once."""
    filters = {repr(case.values[0]): case.values[0] for case in FILTER_CASES}
    out = sdk.run("sync", f"""
        owner = await client.create_user(uid("owner"))
        for name, meta in {_FILTER_USERS!r}.items():
            await client.create_user(uid(name), metadata={{"group": PREFIX, **meta}})
            await owner.create_session(metadata={{"name": name, **meta}})
        users, sessions = {{}}, {{}}
        for key, wanted in {filters!r}.items():
            page = await client.list_users(metadata_filter={{"group": PREFIX, **wanted}}, limit=100)
            users[key] = [u.user_id[len(PREFIX) + 1:] for u in page.users]
            listed = await owner.list_sessions(metadata_filter=wanted, limit=100)
            sessions[key] = [s.metadata["name"] for s in listed.sessions]
        emit(users=users, sessions=sessions)
    """)
    return out


@pytest.mark.parametrize(("wanted", "expected"), FILTER_CASES)
def test_metadata_filter_semantics(filter_results: dict[str, Any], wanted: dict[str, Any], expected: set[str]) -> None:
    assert set(filter_results["users"][repr(wanted)]) == expected, "list_users(metadata_filter=...)"
    assert set(filter_results["sessions"][repr(wanted)]) == expected, "list_sessions(metadata_filter=...)"


# --- errors: one batch per mode, asserted case by case --------------------------------------------

def _case(name: str, code: str, error: str, message: str, status: int | None) -> Any:
    """``code`` sets up and returns ``await capture(...)``; ``message`` is a regex ({p} = the run's prefix)."""
    return pytest.param(name, code, error, message, status, id=name)


_NOT_FOUND_SETUP = """
    user = await client.create_user(uid("{name}"))
    session = await user.create_session()
    await session.add_message(USER, "hi")
    await (await client.get_user(uid("{name}"))).delete()
"""
_DELETED_SESSION_SETUP = """
    user = await client.create_user(uid("{name}"))
    session = await user.create_session()
    await session.add_message(USER, "hi")
    await session.delete()
"""


def _missing_user(name: str, call: str) -> Any:
    code = _NOT_FOUND_SETUP.format(name=name) + f"    return await capture(lambda: {call})"
    return _case(f"missing-user-{name}", code, "UserNotFoundError", r"User {p}-" + name + " not found", 404)


def _deleted_session(name: str, call: str) -> Any:
    return _case(f"deleted-session-{name}",
                 _DELETED_SESSION_SETUP.format(name=name) + f"    return await capture(lambda: {call})",
                 "SessionNotFoundError", f"Session {UUID} not found", 404)


VALIDATION = ("ValidationError", "Validation error", 422)

ERROR_CASES = [
    # UserAlreadyExistsError
    _case("create-duplicate-user", """
        await client.create_user(uid("dup"))
        return await capture(lambda: client.create_user(uid("dup"), metadata={"second": True}))
    """, "UserAlreadyExistsError", r"User with ID {p}-dup already exists", 409),
    _case("rename-onto-existing-user", """
        first = await client.create_user(uid("ren-a"))
        await client.create_user(uid("ren-b"))
        return await capture(lambda: first.update(new_user_id=uid("ren-b")))
    """, "UserAlreadyExistsError", r"User with ID {p}-ren-b already exists", 409),
    # UserNotFoundError: a user that never existed, and every user/session method of a deleted user
    _case("get-missing-user", """
        return await capture(lambda: client.get_user(uid("ghost")))
    """, "UserNotFoundError", r"User {p}-ghost not found", 404),
    _missing_user("refresh", "user.refresh()"),
    _missing_user("update", "user.update(new_metadata={'a': 1})"),
    _missing_user("rename", "user.update(new_user_id=uid('renamed-ghost'))"),
    _missing_user("delete", "user.delete()"),
    _missing_user("create-session", "user.create_session()"),
    _missing_user("list-sessions", "user.list_sessions()"),
    _missing_user("last-n-messages", "user.get_last_n_messages(5)"),
    _missing_user("get-session", "user.get_session(session.session_id)"),
    _missing_user("get-unknown-session", "user.get_session(new_id())"),
    _missing_user("add-message", "session.add_message(USER, 'anyone there?')"),
    _missing_user("get-messages", "session.get_messages()"),
    _missing_user("process", "session.process()"),
    _missing_user("session-refresh", "session.refresh()"),
    _missing_user("session-update", "session.update(new_metadata={'a': 1})"),
    _missing_user("session-delete", "session.delete()"),
    # SessionNotFoundError
    _case("get-unknown-session", """
        user = await client.create_user(uid("nosession"))
        return await capture(lambda: user.get_session(new_id()))
    """, "SessionNotFoundError", f"Session {UUID} not found", 404),
    _case("get-malformed-session-id", """
        user = await client.create_user(uid("badsession"))
        return await capture(lambda: user.get_session("not-a-session-id"))
    """, "SessionNotFoundError", "Session not-a-session-id not found", 404),
    _case("get-other-users-session", """
        owner = await client.create_user(uid("owner"))
        session = await owner.create_session()
        intruder = await client.create_user(uid("intruder"))
        return await capture(lambda: intruder.get_session(session.session_id))
    """, "SessionNotFoundError", f"Session {UUID} not found", 404),
    _deleted_session("add-message", "session.add_message(USER, 'too late')"),
    _deleted_session("process", "session.process()"),
    _deleted_session("get-messages", "session.get_messages()"),
    _deleted_session("update", "session.update(new_metadata={'a': 1})"),
    _deleted_session("delete", "session.delete()"),
    _deleted_session("refresh", "session.refresh()"),
    _deleted_session("get", "user.get_session(session.session_id)"),
    # InvalidSessionStateError
    _case("add-message-after-process", """
        user = await client.create_user(uid("state-add"))
        session = await user.create_session()
        await session.add_message(USER, "first")
        await session.process()
        return await capture(lambda: session.add_message(USER, "after process"))
    """, "InvalidSessionStateError",
        f"Cannot add message to session {UUID} with status (processing|processed).*", 400),
    _case("process-twice", """
        user = await client.create_user(uid("state-proc"))
        session = await user.create_session()
        await session.add_message(USER, "first")
        await session.process()
        return await capture(lambda: session.process())
    """, "InvalidSessionStateError", f"Cannot process session {UUID} with status (processing|processed).*", 400),
    # AuthenticationError (the SDK's own message for any 401)
    _case("wrong-api-key", """
        return await capture(lambda: make_client(api_key="rai_" + "x" * 43).list_users())
    """, "AuthenticationError", "Authentication failed", 401),
    _case("wrong-api-key-get-user", """
        await client.create_user(uid("auth"))
        return await capture(lambda: make_client(api_key="rai_wrong").get_user(uid("auth")))
    """, "AuthenticationError", "Authentication failed", 401),
    _case("other-projects-key", """
        return await capture(lambda: make_client(api_key=OTHER_API_KEY).list_users())
    """, "AuthenticationError", "Authentication failed", 401),
    _case("our-key-other-project-id", """
        return await capture(lambda: make_client(project_id=OTHER_PROJECT_ID).list_users())
    """, "AuthenticationError", "Authentication failed", 401),
    _case("malformed-project-id", """
        return await capture(lambda: make_client(project_id="not-a-project-id").create_user(uid("nope")))
    """, "AuthenticationError", "Authentication failed", 401),
    _case("empty-project-id", """
        return await capture(lambda: make_client(project_id="").list_users())
    """, "AuthenticationError", "Authentication failed", 401),
    _case("overlong-project-id", """
        return await capture(lambda: make_client(project_id="p" * 500).list_users())
    """, "AuthenticationError", "Authentication failed", 401),
    _case("system-prompt-wrong-key", """
        return await capture(lambda: make_client(api_key="rai_wrong")._http.get_cached_system_prompt("balanced"))
    """, "AuthenticationError", "Authentication failed", 401),
    _case("key-without-rai-prefix", """
        return await capture(lambda: make_client(api_key="sk-not-recallr"))
    """, "ValueError", "API key must start with 'rai_'", None),
    # ValidationError (HTTP 422; the SDK's message is always "Validation error")
    _case("empty-user-id", 'return await capture(lambda: client.create_user(""))', *VALIDATION),
    _case("blank-user-id", 'return await capture(lambda: client.create_user("   "))', *VALIDATION),
    _case("overlong-user-id", 'return await capture(lambda: client.create_user(uid("long") + "x" * 256))',
          *VALIDATION),
    _case("user-metadata-not-a-dict", 'return await capture(lambda: client.create_user(uid("m"), metadata=[1]))',
          *VALIDATION),
    _case("rename-to-empty-id", """
        user = await client.create_user(uid("rename-empty"))
        return await capture(lambda: user.update(new_user_id=""))
    """, *VALIDATION),
    _case("update-user-metadata-not-a-dict", """
        user = await client.create_user(uid("upd-meta"))
        return await capture(lambda: user.update(new_metadata=[1]))
    """, *VALIDATION),
    _case("session-metadata-not-a-dict", """
        user = await client.create_user(uid("sess-meta"))
        return await capture(lambda: user.create_session(metadata=[1]))
    """, *VALIDATION),
    _case("update-session-metadata-not-a-dict", """
        user = await client.create_user(uid("upd-sess-meta"))
        session = await user.create_session()
        return await capture(lambda: session.update(new_metadata=[1]))
    """, *VALIDATION),
    _case("negative-auto-process-seconds", """
        user = await client.create_user(uid("auto-neg"))
        return await capture(lambda: user.create_session(auto_process_after_seconds=-1))
    """, *VALIDATION),
    _case("empty-message", """
        user = await client.create_user(uid("empty-msg"))
        session = await user.create_session()
        return await capture(lambda: session.add_message(USER, ""))
    """, *VALIDATION),
    _case("list-users-filter-not-an-object",
          "return await capture(lambda: client.list_users(metadata_filter=[1]))", *VALIDATION),
    _case("list-sessions-filter-not-an-object", """
        user = await client.create_user(uid("ls-filter"))
        return await capture(lambda: user.list_sessions(metadata_filter="kind"))
    """, *VALIDATION),
    _case("list-users-limit-zero", "return await capture(lambda: client.list_users(limit=0))", *VALIDATION),
    _case("list-users-negative-offset", "return await capture(lambda: client.list_users(offset=-1))", *VALIDATION),
    _case("list-sessions-limit-zero", """
        user = await client.create_user(uid("ls-zero"))
        return await capture(lambda: user.list_sessions(limit=0))
    """, *VALIDATION),
    _case("get-messages-limit-zero", """
        user = await client.create_user(uid("gm-zero"))
        session = await user.create_session()
        return await capture(lambda: session.get_messages(limit=0))
    """, *VALIDATION),
    # ValueError raised by the SDK itself, before any request
    _case("naive-custom-created-at", """
        user = await client.create_user(uid("naive"))
        return await capture(lambda: user.create_session(custom_created_at_utc=datetime(2024, 1, 1, 12, 0)))
    """, "ValueError", r"custom_created_at_utc must be a timezone-aware datetime\. .*", None),
    _case("non-utc-custom-created-at", """
        user = await client.create_user(uid("non-utc"))
        start = datetime(2024, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
        return await capture(lambda: user.create_session(custom_created_at_utc=start))
    """, "ValueError", r"custom_created_at_utc must be in UTC timezone\. .*", None),
    _case("last-n-zero", """
        user = await client.create_user(uid("n0"))
        return await capture(lambda: user.get_last_n_messages(0))
    """, "ValueError", "n must be between 1 and 100", None),
    _case("last-n-101", """
        user = await client.create_user(uid("n101"))
        return await capture(lambda: user.get_last_n_messages(101))
    """, "ValueError", "n must be between 1 and 100", None),
]


def _batch_code() -> str:
    parts = ["results = {}"]
    for i, case in enumerate(ERROR_CASES):
        name, code = case.values[0], case.values[1]
        body = "\n".join("    " + line for line in _dedent(code).splitlines())
        parts.append(f"async def case_{i}():\n{body}\nresults[{name!r}] = await guard(case_{i})")
    parts.append("emit(errors=results)")
    return "\n".join(parts)


def _dedent(code: str) -> str:
    lines = [line for line in code.splitlines() if line.strip()]
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return "\n".join(line[indent:] for line in lines)


@pytest.fixture(scope="module")
def error_results(sdk: SdkRunner) -> Callable[[str], dict[str, Any]]:
    """Run every error case once per mode, in one driver script; look results up by mode."""
    cache: dict[str, dict[str, Any]] = {}

    def results(mode: str) -> dict[str, Any]:
        if mode not in cache:
            cache[mode] = sdk.run(mode, _batch_code())
        return cache[mode]

    return results


@pytest.mark.parametrize(("name", "code", "error", "message", "status"), ERROR_CASES)
def test_error(error_results: Callable[[str], dict[str, Any]], mode: str, name: str, code: str, error: str,
               message: str, status: int | None) -> None:
    out = error_results(mode)
    got = out["errors"][name]
    assert got is not None, f"{name}: no exception was raised"
    assert got["type"] == error, f"{name}: expected {error}, got {got}"
    pattern = message.replace("{p}", re.escape(out["prefix"]))
    assert re.fullmatch(pattern, got["message"], flags=re.DOTALL), f"{name}: message {got['message']!r}"
    assert got["http_status"] == status
    if error != "ValueError":
        assert got["module"].startswith("recallrai.exceptions"), got
