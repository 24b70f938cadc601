"""The official ``recallrai`` SDK 0.6.6, unmodified, on memories and merge conflicts against ``recallr serve``.

Same machinery as ``test_official_sdk.py``: each scenario is written once (async), runs with ``RecallrAI``
and ``AsyncRecallrAI`` in the SDK's own virtualenv, and emits JSON asserted here. ``HELPERS`` is put at
the top of every scenario: it processes conversations, waits for conflicts to resolve and turns the
SDK's memory and conflict objects into plain data.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import pytest

from .conftest import SdkRunner
from .test_official_sdk import UUID, kind, ts

HELPERS = '''
from recallrai.models import MergeConflictAnswer, MergeConflictStatus

async def said(user, *texts, **kwargs):
    """A session with these user messages, processed (fails the scenario if it is not)."""
    session = await user.create_session(**kwargs)
    for text in texts:
        await session.add_message(USER, text)
    await session.process()
    seen = await wait_status(session, "processed", 60)
    if seen[-1] != "processed":
        raise RuntimeError(f"session not processed: {seen}")
    return session

async def settle(conflict):
    """Refresh until the worker has resolved the conflict; the distinct statuses seen."""
    seen = [conflict.status.value]
    for _ in range(600):
        if seen[-1] in ("RESOLVED", "FAILED"):
            break
        await pause(0.05)
        await conflict.refresh()
        if conflict.status.value != seen[-1]:
            seen.append(conflict.status.value)
    return seen

async def catch(call):
    """Like capture, plus the attributes some errors carry."""
    try:
        result = call()
        if inspect.isawaitable(result):
            await result
    except Exception as error:
        return error_dict(error) | {"invalid_categories": getattr(error, "invalid_categories", None)}
    return None

def answer(conflict, option):
    question = conflict.clarifying_questions[0]
    return MergeConflictAnswer(question=question.question, answer=question.options[option])

def version_dict(v):
    return {"type": type(v).__name__, "memory_id": v.memory_id, "version_number": v.version_number,
            "content": v.content, "event_date_start": _iso(v.event_date_start),
            "event_date_end": _iso(v.event_date_end), "created_at": _iso(v.created_at),
            "expired_at": _iso(v.expired_at), "expiration_reason": v.expiration_reason,
            "merge_conflict_id": v.merge_conflict_id}

def memory_dict(m):
    return {"type": type(m).__name__, "memory_id": m.memory_id, "categories": m.categories, "content": m.content,
            "event_date_start": _iso(m.event_date_start), "event_date_end": _iso(m.event_date_end),
            "created_at": _iso(m.created_at), "version_number": m.version_number,
            "total_versions": m.total_versions, "has_previous_versions": m.has_previous_versions,
            "previous_versions": None if m.previous_versions is None else [
                version_dict(v) for v in m.previous_versions],
            "connected_memories": None if m.connected_memories is None else [
                {"type": type(c).__name__, "memory_id": c.memory_id, "content": c.content}
                for c in m.connected_memories],
            "merge_conflict_in_progress": m.merge_conflict_in_progress, "merge_conflict_id": m.merge_conflict_id,
            "expired_at": _iso(m.expired_at), "expiration_reason": m.expiration_reason, "session_id": m.session_id}

def memories_dict(page):
    return {"type": type(page).__name__, "items": [memory_dict(m) for m in page.items], "total": page.total,
            "has_more": page.has_more}

def conflict_dict(c):
    return {"type": type(c).__name__, "conflict_id": c.conflict_id, "user_id": c.user_id,
            "status": c.status.value, "proposed_memory_content": c.proposed_memory_content,
            "new_memories": None if c.new_memories is None else [
                {"memory_id": m.memory_id, "content": m.content, "event_date_start": _iso(m.event_date_start),
                 "created_at": _iso(m.created_at)} for m in c.new_memories],
            "conflicting_memories": [
                {"memory_id": m.memory_id, "content": m.content, "reason": m.reason,
                 "event_date_start": _iso(m.event_date_start), "event_date_end": _iso(m.event_date_end),
                 "created_at": _iso(m.created_at)} for m in c.conflicting_memories],
            "clarifying_questions": [{"question": q.question, "options": q.options} for q in c.clarifying_questions],
            "session_id": c._conflict_data.project_user_session_id, "created_at": _iso(c.created_at),
            "resolved_at": _iso(c.resolved_at), "resolution_data": c.resolution_data}

def conflicts_dict(page):
    return {"type": type(page).__name__, "conflicts": [conflict_dict(c) for c in page.conflicts],
            "total": page.total, "has_more": page.has_more}

async def home_conflict(name):
    """A user (merge conflicts on) who lives in Paris and then, unsettled, says Berlin; its PENDING conflict."""
    user = await client.create_user(uid(name), merge_conflict_enabled=True)
    await said(user, "I live in Paris.")
    await said(user, "I live in Berlin.")
    page = await user.list_merge_conflicts()
    return user, page.conflicts[0]
'''


@pytest.fixture(params=[pytest.param("sync", id="sync"), pytest.param("async", id="async")])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run(sdk: SdkRunner, mode: str, code: str) -> dict[str, Any]:
    return sdk.run(mode, textwrap.dedent(HELPERS) + "\n" + textwrap.dedent(code))


def by_content(items: list[dict[str, Any]], content: str) -> dict[str, Any]:
    found = [m for m in items if m["content"] == content]
    assert len(found) == 1, f"{content!r} not among {[m['content'] for m in items]}"
    return found[0]


def contents(page: dict[str, Any]) -> set[str]:
    return {m["content"] for m in page["items"]}


def error(out: dict[str, Any], type_: str, message: str, status: int | None, module: str | None = None) -> None:
    """``out`` (an emitted error) is ``type_`` with a message matching the regex ``message``."""
    assert out is not None, f"expected {type_}, nothing was raised"
    assert out["type"] == type_, out
    assert re.fullmatch(message, out["message"], flags=re.DOTALL), out["message"]
    assert out["http_status"] == status
    if module is not None:
        assert out["module"] == module


# --- memories ---------------------------------------------------------------------------------------

def test_list_memories_filters_and_pages(sdk: SdkRunner, mode: str) -> None:
    out = run(sdk, mode, """
        user = await client.create_user(uid("mem"))
        pets = await said(user, "I have a cat named Milo.", metadata={"topic": "pets"})
        work = await said(user, "I work as an architect.", metadata={"topic": "work", "n": 2})
        results = {}
        for name, kwargs in {
            "all": {},
            "pets": {"categories": ["pets"]},
            "pets_or_work": {"categories": ["pets", "work"]},
            "travel": {"categories": ["travel"]},
            "session_work": {"session_id_filter": [work.session_id]},
            "both_sessions": {"session_id_filter": [pets.session_id, work.session_id]},
            "meta_pets": {"session_metadata_filter": {"topic": "pets"}},
            "meta_work_n": {"session_metadata_filter": {"topic": "work", "n": 2}},
            "meta_none": {"session_metadata_filter": {"topic": "none"}},
            "work_in_pets_session": {"categories": ["work"], "session_id_filter": [pets.session_id]},
            "first": {"limit": 1},
            "second": {"offset": 1, "limit": 1},
            "max": {"limit": 200},
            "bare": {"include_previous_versions": False, "include_connected_memories": False},
        }.items():
            results[name] = memories_dict(await user.list_memories(**kwargs))
        errors = {
            "invalid": await catch(lambda: user.list_memories(categories=["pets", "spaceships", "Pets"])),
            "limit0": await catch(lambda: user.list_memories(limit=0)),
            "limit201": await catch(lambda: user.list_memories(limit=201)),
            "negative_offset": await catch(lambda: user.list_memories(offset=-1)),
        }
        gone = await client.create_user(uid("mem-gone"))
        await gone.delete()
        errors["deleted_user"] = await catch(lambda: gone.list_memories())
        emit(pets=pets.session_id, work=work.session_id, results=results, errors=errors)
    """)
    r, p = out["results"], out["prefix"]
    milo, architect = "User has a cat named Milo.", "User works as an architect."
    assert r["all"]["type"] == "UserMemoriesList"
    assert (r["all"]["total"], r["all"]["has_more"]) == (2, False)
    cat = by_content(r["all"]["items"], milo)
    job = by_content(r["all"]["items"], architect)
    assert cat["type"] == "UserMemoryItem"
    assert (cat["session_id"], job["session_id"]) == (out["pets"], out["work"])
    assert (cat["categories"][0], job["categories"][0]) == ("pets", "work")
    assert re.fullmatch(UUID, cat["memory_id"])
    for memory in (cat, job):
        assert (memory["version_number"], memory["total_versions"], memory["has_previous_versions"]) == (1, 1, False)
        assert memory["previous_versions"] == [] and memory["connected_memories"] == []
        assert memory["merge_conflict_in_progress"] is False and memory["merge_conflict_id"] is None
        assert memory["expired_at"] is None and memory["expiration_reason"] is None
        assert memory["event_date_start"] == memory["event_date_end"]
    assert contents(r["pets"]) == {milo}
    assert contents(r["pets_or_work"]) == {milo, architect}
    assert (contents(r["travel"]), r["travel"]["total"]) == (set(), 0)
    assert contents(r["session_work"]) == {architect}
    assert contents(r["both_sessions"]) == {milo, architect}
    assert contents(r["meta_pets"]) == {milo}
    assert contents(r["meta_work_n"]) == {architect}
    assert contents(r["meta_none"]) == set()
    assert contents(r["work_in_pets_session"]) == set()
    assert ([m["content"] for m in r["first"]["items"]], r["first"]["total"], r["first"]["has_more"]) == (
        [architect], 2, True), "newest first"
    assert ([m["content"] for m in r["second"]["items"]], r["second"]["has_more"]) == ([milo], False)
    assert contents(r["max"]) == {milo, architect}
    assert all(m["previous_versions"] is None and m["connected_memories"] is None for m in r["bare"]["items"])
    e = out["errors"]
    error(e["invalid"], "InvalidCategoriesError", "Invalid categories: spaceships, Pets", 400,
          "recallrai.exceptions.users")
    assert e["invalid"]["invalid_categories"] == ["spaceships", "Pets"]
    for name in ("limit0", "limit201", "negative_offset"):
        error(e[name], "ValidationError", "Validation error", 422)
    error(e["deleted_user"], "UserNotFoundError", f"User {re.escape(p)}-mem-gone not found", 404)


def test_get_memory_versions_and_connections(sdk: SdkRunner, mode: str) -> None:
    out = run(sdk, mode, """
        user = await client.create_user(uid("ver"))
        first = await said(user, "I live in Paris.")
        second = await said(user, "I moved to Berlin.")
        await said(user, "I have a dog named Rex.")
        monday = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        await said(user, "I took Rex to the vet yesterday.", custom_created_at_utc=monday)
        listed = memories_dict(await user.list_memories())
        home = [m for m in listed["items"] if m["content"] == "User moved to Berlin."][0]
        old_id = home["previous_versions"][0]["memory_id"]
        missing = new_id()
        emit(first=first.session_id, second=second.session_id, listed=listed,
             current=memory_dict(await user.get_memory(home["memory_id"])),
             old=memory_dict(await user.get_memory(old_id)),
             bare=memory_dict(await user.get_memory(home["memory_id"], include_previous_versions=False,
                                                    include_connected_memories=False)),
             missing_id=missing, missing=await catch(lambda: user.get_memory(missing)))
    """)
    items = out["listed"]["items"]
    assert len(items) == 3
    current = out["current"]
    assert current == by_content(items, "User moved to Berlin.")
    assert (current["version_number"], current["total_versions"], current["has_previous_versions"]) == (2, 2, True)
    assert current["session_id"] == out["second"] and current["categories"][0] == "location"
    [previous] = current["previous_versions"]
    assert previous["type"] == "MemoryVersionInfo"
    assert (previous["version_number"], previous["content"], previous["expiration_reason"]) == (
        1, "User lives in Paris.", "UPDATED")
    assert previous["merge_conflict_id"] is None
    assert ts(previous["expired_at"]) >= ts(previous["created_at"])
    old = out["old"]
    assert (old["memory_id"], old["content"], old["version_number"], old["total_versions"]) == (
        previous["memory_id"], "User lives in Paris.", 1, 2)
    assert (old["expired_at"], old["expiration_reason"]) == (previous["expired_at"], "UPDATED")
    assert old["session_id"] == out["first"] and old["previous_versions"] == []
    bare = out["bare"]
    assert bare["previous_versions"] is None and bare["connected_memories"] is None
    assert (bare["total_versions"], bare["has_previous_versions"]) == (2, True)
    rex = by_content(items, "User has a dog named Rex.")
    vet = by_content(items, "On 7 May 2023, User took Rex to the vet.")
    assert (vet["event_date_start"], vet["event_date_end"]) == (
        "2023-05-07T00:00:00+00:00", "2023-05-07T23:59:59.999999+00:00")
    assert rex["connected_memories"] == [{"type": "MemoryRelationship", "memory_id": vet["memory_id"],
                                          "content": vet["content"]}]
    assert [c["memory_id"] for c in vet["connected_memories"]] == [rex["memory_id"]]
    assert current["connected_memories"] == []
    error(out["missing"], "RecallrAIError", f"Memory {out['missing_id']} not found", 404,
          "recallrai.exceptions.base")


def test_delete_memory_and_previous_versions(sdk: SdkRunner, mode: str) -> None:
    out = run(sdk, mode, """
        user = await client.create_user(uid("del"))
        for text in ("I live in Paris.", "I moved to Berlin.", "I moved to Rome.", "I have a cat named Milo."):
            await said(user, text)
        rome = [m for m in (await user.list_memories()).items if m.content == "User moved to Rome."][0]
        await user.delete_memory(rome.memory_id)
        after_current = memories_dict(await user.list_memories())
        berlin = [m for m in (await user.list_memories()).items if m.content == "User moved to Berlin."][0]
        await user.delete_memory(berlin.memory_id, delete_previous_versions=True)
        after_chain = memories_dict(await user.list_memories())
        emit(rome=memory_dict(rome), after_current=after_current, after_chain=after_chain,
             get_deleted=await catch(lambda: user.get_memory(rome.memory_id)),
             get_deleted_previous=await catch(lambda: user.get_memory(rome.previous_versions[0].memory_id)),
             delete_again=await catch(lambda: user.delete_memory(rome.memory_id)))
    """)
    rome = out["rome"]
    assert [v["content"] for v in rome["previous_versions"]] == ["User lives in Paris.", "User moved to Berlin."]
    berlin = by_content(out["after_current"]["items"], "User moved to Berlin.")
    assert (berlin["version_number"], berlin["total_versions"], berlin["expired_at"]) == (2, 2, None)
    assert [v["content"] for v in berlin["previous_versions"]] == ["User lives in Paris."]
    assert contents(out["after_chain"]) == {"User has a cat named Milo."}
    for name in ("get_deleted", "get_deleted_previous", "delete_again"):
        error(out[name], "RecallrAIError", f"Memory {UUID} not found", 404)


# --- merge conflicts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("option", [pytest.param(0, id="proposed"), pytest.param(1, id="existing"),
                                    pytest.param(2, id="both")])
def test_merge_conflict_resolution(sdk: SdkRunner, mode: str, option: int) -> None:
    out = run(sdk, mode, f"""
        user, conflict = await home_conflict("mc")
        pending = conflict_dict(conflict)
        during = memories_dict(await user.list_memories())
        fetched = conflict_dict(await user.get_merge_conflict(conflict.conflict_id))
        await conflict.resolve([answer(conflict, {option})])
        after_resolve = conflict_dict(conflict)
        seen = await settle(conflict)
        after = memories_dict(await user.list_memories())
        old = memory_dict(await user.get_memory(pending["conflicting_memories"][0]["memory_id"]))
        emit(pending=pending, during=during, fetched=fetched, after_resolve=after_resolve, seen=seen,
             resolved=conflict_dict(conflict), after=after, old=old,
             refetched=conflict_dict(await user.get_merge_conflict(conflict.conflict_id)),
             listed=conflicts_dict(await user.list_merge_conflicts()))
    """)
    pending, p = out["pending"], out["prefix"]
    assert pending["type"] == kind(mode, "MergeConflict")
    assert (pending["status"], pending["user_id"]) == ("PENDING", f"{p}-mc")
    assert pending["proposed_memory_content"] == "User lives in Berlin."
    assert pending["new_memories"] is None and pending["resolved_at"] is None and pending["resolution_data"] is None
    [paris] = out["during"]["items"]
    assert (paris["content"], paris["merge_conflict_in_progress"], paris["version_number"]) == (
        "User lives in Paris.", True, 1)
    [existing] = pending["conflicting_memories"]
    assert (existing["memory_id"], existing["content"]) == (paris["memory_id"], "User lives in Paris.")
    assert "Berlin" in existing["reason"] and "Paris" in existing["reason"]
    assert existing["created_at"] == paris["created_at"]
    [question] = pending["clarifying_questions"]
    assert question["options"] == ["User lives in Berlin.", "User lives in Paris.", "Both are true"]
    assert out["fetched"] == pending
    assert out["after_resolve"]["status"] in ("IN_QUEUE", "RESOLVING", "RESOLVED")
    assert out["seen"][-1] == "RESOLVED", out["seen"]
    resolved = out["resolved"]
    # the SDK's refresh() updates status, resolved_at and resolution_data but not new_memories: read those
    # from a fresh get_merge_conflict()
    assert {k: v for k, v in out["refetched"].items() if k != "new_memories"} == {
        k: v for k, v in resolved.items() if k != "new_memories"}
    new_memories = out["refetched"]["new_memories"]
    assert ts(resolved["resolved_at"]) >= ts(resolved["created_at"])
    assert resolved["resolution_data"]["answers"][0]["answer"] == question["options"][option]
    assert out["listed"]["type"] == "MergeConflictList"
    assert [(c["conflict_id"], c["status"]) for c in out["listed"]["conflicts"]] == [
        (pending["conflict_id"], "RESOLVED")]
    after = out["after"]["items"]
    assert all(m["merge_conflict_in_progress"] is False for m in after)
    if option == 0:  # the proposed statement becomes the next version of the existing memory
        [berlin] = after
        assert (berlin["content"], berlin["version_number"]) == ("User lives in Berlin.", 2)
        [previous] = berlin["previous_versions"]
        assert (previous["memory_id"], previous["expiration_reason"], previous["merge_conflict_id"]) == (
            paris["memory_id"], "MERGE_CONFLICT", pending["conflict_id"])
        assert (out["old"]["expiration_reason"], out["old"]["merge_conflict_id"]) == (
            "MERGE_CONFLICT", pending["conflict_id"])
        assert [(m["memory_id"], m["content"]) for m in new_memories] == [
            (berlin["memory_id"], "User lives in Berlin.")]
    elif option == 1:  # the existing memory stays as it was
        assert [(m["memory_id"], m["version_number"]) for m in after] == [(paris["memory_id"], 1)]
        assert out["old"]["expired_at"] is None
        assert not new_memories
    else:  # both are true: the proposed statement is added beside the existing one
        assert {m["content"] for m in after} == {"User lives in Paris.", "User lives in Berlin."}
        assert all(m["version_number"] == 1 for m in after)
        assert [m["content"] for m in new_memories] == ["User lives in Berlin."]


def test_merge_conflict_errors(sdk: SdkRunner, mode: str) -> None:
    out = run(sdk, mode, """
        user, conflict = await home_conflict("err")
        missing = new_id()
        question = conflict.clarifying_questions[0].question
        errors = {
            "invalid_question": await catch(lambda: conflict.resolve(
                [answer(conflict, 0), MergeConflictAnswer(question="Where is Paris?", answer="France")])),
            "missing_answers": await catch(lambda: conflict.resolve([])),
            "invalid_answer": await catch(lambda: conflict.resolve(
                [MergeConflictAnswer(question=question, answer="Both are false")])),
        }
        await conflict.refresh()
        still = conflict.status.value
        stale = await user.get_merge_conflict(conflict.conflict_id)
        await conflict.resolve([answer(conflict, 1)])
        errors["server_already_resolved"] = await catch(lambda: stale.resolve([answer(stale, 0)]))
        await settle(conflict)
        errors["sdk_already_resolved"] = await catch(lambda: conflict.resolve([answer(conflict, 0)]))
        errors["unknown_conflict"] = await catch(lambda: user.get_merge_conflict(missing))
        other = await client.create_user(uid("err-other"))
        errors["other_users_conflict"] = await catch(lambda: other.get_merge_conflict(conflict.conflict_id))
        errors["bad_sort_by"] = await catch(lambda: user.list_merge_conflicts(sort_by="priority"))
        errors["bad_sort_order"] = await catch(lambda: user.list_merge_conflicts(sort_order="sideways"))
        gone, gone_conflict = await home_conflict("err-gone")
        await gone.delete()
        errors["deleted_user_get"] = await catch(lambda: gone.get_merge_conflict(gone_conflict.conflict_id))
        errors["deleted_user_list"] = await catch(lambda: gone.list_merge_conflicts())
        errors["deleted_user_refresh"] = await catch(lambda: gone_conflict.refresh())
        errors["deleted_user_resolve"] = await catch(lambda: gone_conflict.resolve([answer(gone_conflict, 0)]))
        emit(conflict_id=conflict.conflict_id, question=question, options=conflict.clarifying_questions[0].options,
             still=still, errors=errors, missing=missing, final=memories_dict(await user.list_memories()))
    """)
    e, p, cid = out["errors"], re.escape(out["prefix"]), out["conflict_id"]
    mc = "recallrai.exceptions.merge_conflicts"
    error(e["invalid_question"], "MergeConflictInvalidQuestionsError",
          re.escape("Invalid questions provided: ['Where is Paris?']"), 400, mc)
    error(e["missing_answers"], "MergeConflictMissingAnswersError",
          re.escape(f"Missing answers for the following questions: {[out['question']]}"), 400, mc)
    error(e["invalid_answer"], "MergeConflictInvalidAnswerError",
          re.escape(f"Invalid answer 'Both are false' for question '{out['question']}'. "
                    f"Valid options: {out['options']}"), 400, mc)
    assert out["still"] == "PENDING", "a rejected answer must not queue the conflict"
    error(e["server_already_resolved"], "MergeConflictAlreadyResolvedError",
          rf"Merge conflict {cid} is already resolved or being resolved \(status (IN_QUEUE|RESOLVING|RESOLVED)\)",
          400, mc)
    error(e["sdk_already_resolved"], "MergeConflictAlreadyResolvedError",
          f"Merge conflict {cid} is already resolved", 400, mc)
    error(e["unknown_conflict"], "MergeConflictNotFoundError", f"Merge conflict {out['missing']} not found", 404, mc)
    error(e["other_users_conflict"], "MergeConflictNotFoundError", f"Merge conflict {cid} not found", 404, mc)
    for name in ("bad_sort_by", "bad_sort_order"):
        error(e[name], "ValidationError", "Validation error", 422)
    for name in ("deleted_user_get", "deleted_user_list", "deleted_user_refresh", "deleted_user_resolve"):
        error(e[name], "UserNotFoundError", f"User {p}-err-gone not found", 404, "recallrai.exceptions.users")
    assert [(m["content"], m["merge_conflict_in_progress"]) for m in out["final"]["items"]] == [
        ("User lives in Paris.", False)]


def test_list_merge_conflicts_status_and_sort(sdk: SdkRunner, mode: str) -> None:
    out = run(sdk, mode, """
        user = await client.create_user(uid("sort"), merge_conflict_enabled=True)
        await said(user, "I live in Paris. I work as a nurse. My favorite color is blue.")
        for text in ("I live in Berlin.", "I work as a teacher.", "My favorite color is green."):
            await said(user, text)
        color, job, home = (await user.list_merge_conflicts()).conflicts
        flagged = sum(m.merge_conflict_in_progress for m in (await user.list_memories()).items)
        await job.resolve([answer(job, 0)])
        await settle(job)
        await home.resolve([answer(home, 1)])
        await settle(home)
        lists = {}
        for name, kwargs in {
            "default": {},
            "created_desc": {"sort_by": "created_at", "sort_order": "desc"},
            "created_asc": {"sort_by": "created_at", "sort_order": "asc"},
            "resolved_asc": {"sort_by": "resolved_at", "sort_order": "asc"},
            "resolved_desc": {"sort_by": "resolved_at", "sort_order": "desc"},
            "pending": {"status": MergeConflictStatus.PENDING},
            "resolved": {"status": MergeConflictStatus.RESOLVED},
            "in_queue": {"status": MergeConflictStatus.IN_QUEUE},
            "failed": {"status": MergeConflictStatus.FAILED},
            "page1": {"limit": 2},
            "page2": {"offset": 2, "limit": 2},
        }.items():
            lists[name] = conflicts_dict(await user.list_merge_conflicts(**kwargs))
        emit(ids={"color": color.conflict_id, "job": job.conflict_id, "home": home.conflict_id}, flagged=flagged,
             lists=lists, memories=memories_dict(await user.list_memories()))
    """)
    ids, lists = out["ids"], out["lists"]
    color, job, home = ids["color"], ids["job"], ids["home"]

    def order(name: str) -> list[str]:
        return [c["conflict_id"] for c in lists[name]["conflicts"]]

    assert out["flagged"] == 3
    assert [c["proposed_memory_content"] for c in lists["created_asc"]["conflicts"]] == [
        "User lives in Berlin.", "User works as a teacher.", "User's favorite color is green."]
    assert order("default") == order("created_desc") == [color, job, home]
    assert order("created_asc") == [home, job, color]
    # the unresolved conflict has no resolved_at and comes last either way
    assert order("resolved_asc") == [job, home, color]
    assert order("resolved_desc") == [home, job, color]
    assert (order("pending"), lists["pending"]["total"]) == ([color], 1)
    assert set(order("resolved")) == {job, home} and lists["resolved"]["total"] == 2
    assert all(c["status"] == "RESOLVED" and c["resolved_at"] for c in lists["resolved"]["conflicts"])
    assert (order("in_queue"), order("failed")) == ([], [])
    assert (len(order("page1")), lists["page1"]["total"], lists["page1"]["has_more"]) == (2, 3, True)
    assert (order("page2"), lists["page2"]["has_more"]) == ([home], False)
    current = {m["content"]: m["merge_conflict_in_progress"] for m in out["memories"]["items"]}
    assert current == {"User lives in Paris.": False, "User works as a teacher.": False,
                       "User's favorite color is blue.": True}
