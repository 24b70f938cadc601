"""GET /api/v1/users/{id}/export and the SDKs' ``user.export()``: the user's own data only, streamed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from recallr import RecallrAI
from recallr.exceptions import UserNotFoundError
from recallr.models import MessageRole

from ..conftest import LiveServer
from ..engine.archive_history import user_reads
from ..engine.test_portability import empty_store, open_client, url_of, without_header_time


def talk(client: RecallrAI, user_id: str, *texts: str) -> None:
    user = client.create_user(user_id)
    session = user.create_session()
    for text in texts:
        session.add_message(MessageRole.USER, text)
    session.process(wait=True, timeout=60, poll_interval=0.02)


def records(archive: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in archive.splitlines()]


def test_export_is_the_callers_user_only(live_server: LiveServer, tmp_path: Path, database_url: str | None) -> None:
    engine = live_server.engine
    other, other_key = engine.projects.create("other tenant")
    mine = RecallrAI(live_server.api_key, live_server.project.id, base_url=live_server.base_url)
    theirs = RecallrAI(other_key.api_key, other.id, base_url=live_server.base_url)
    with mine, theirs:
        talk(mine, "alice", "I'm allergic to peanuts and I live in Lyon.")
        talk(mine, "carol", "I play the cello.")
        talk(theirs, "alice", "I keep bees in Oslo.")  # the same user id, in another project

        path = tmp_path / "alice.jsonl"
        size = mine.get_user("alice").export(path)
        archive = path.read_bytes()
        assert size == len(archive) > 0
        rows = records(archive)
        assert rows[0]["scope"]["project_id"] == live_server.project.id and rows[-1]["end"] is True
        text = archive.decode()
        assert "peanuts" in text and "bees" not in text and "cello" not in text
        assert {r["row"]["id"] for r in rows if r.get("table") == "projects"} == {live_server.project.id}
        assert not any(r.get("table") == "api_keys" for r in rows)
        assert "bees" in theirs.get_user("alice").export().decode()

        assert without_header_time(mine.get_user("alice").export()) == without_header_time(archive)
        with pytest.raises(UserNotFoundError):
            theirs.get_user("carol").export()
        user = mine.get_user("carol")
        user.user_id = "nobody"  # a user deleted meanwhile, say
        with pytest.raises(UserNotFoundError):
            user.export(tmp_path / "nobody.jsonl")
        assert not (tmp_path / "nobody.jsonl").exists()
        reads = user_reads(mine._runner.client, "alice")

    bare = httpx.get(f"{live_server.base_url}/api/v1/users/alice/export")
    assert bare.status_code == 401 and set(bare.json()) >= {"detail", "code"}
    wrong = httpx.get(f"{live_server.base_url}/api/v1/users/alice/export",
                      headers={"X-Recallr-Api-Key": other_key.api_key, "X-Recallr-Project-Id": live_server.project.id})
    assert wrong.status_code == 401 and other_key.api_key not in wrong.text

    with empty_store(database_url) as target_url:
        from recallr.engine.portability import import_archive, read_lines
        from recallr.store import Database

        db = Database(url_of(tmp_path / "target", target_url))
        db.migrate()
        with open(path, "rb") as stream:
            import_archive(db, read_lines(stream))
        db.close()
        with open_client(tmp_path / "target", target_url, worker=False) as restored:
            assert json.dumps(user_reads(restored._runner.client, "alice"), sort_keys=True) == json.dumps(
                reads, sort_keys=True)
