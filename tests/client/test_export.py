"""The SDKs' ``user.export()``: sync and async over HTTP, and the embedded client."""

from __future__ import annotations

from pathlib import Path

from recallr import AsyncRecallrAI, RecallrAI

from ..conftest import LiveServer
from ..engine.test_portability import open_client, without_header_time
from ..server.test_export import records, talk


async def test_async_sdk_exports_the_same_archive(live_server: LiveServer, tmp_path: Path) -> None:
    with RecallrAI(live_server.api_key, live_server.project.id, base_url=live_server.base_url) as client:
        talk(client, "alice", "I work as a nurse.")
        expected = client.get_user("alice").export()
    aclient = AsyncRecallrAI(live_server.api_key, live_server.project.id, base_url=live_server.base_url)
    try:
        user = await aclient.get_user("alice")
        assert without_header_time(await user.export()) == without_header_time(expected)
        with open(tmp_path / "a.jsonl", "wb") as stream:
            assert await user.export(stream) == len(expected)
    finally:
        await aclient.close()


def test_embedded_client_exports(tmp_path: Path) -> None:
    with open_client(tmp_path / "data", None) as client:
        talk(client, "alice", "I live in Lyon.")
        archive = client.get_user("alice").export()
    rows = records(archive)
    assert rows[0]["format"] == "recallr-archive" and rows[-1]["end"] is True
    assert any(r.get("table") == "memories" and "Lyon" in r["row"]["content"] for r in rows)
