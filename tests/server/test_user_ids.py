"""User ids the official SDK cannot reach are refused at creation and rename; every accepted id is reachable the way
the official SDK builds its URLs (the id pasted into the path unescaped, through httpx)."""

from __future__ import annotations

import httpx
import pytest

from recallr.engine import Engine, validation
from recallr.exceptions import ValidationError
from recallr.settings import Settings

from ..conftest import LiveServer

UNREACHABLE = [
    pytest.param("a/b", id="slash"), pytest.param("a?b", id="question-mark"), pytest.param("a#b", id="hash"),
    pytest.param("100%", id="percent"), pytest.param("%41", id="percent-escape"), pytest.param(".", id="dot"),
    pytest.param("..", id="dot-dot"), pytest.param("a\tb", id="tab"), pytest.param("a\nb", id="newline"),
    pytest.param("a\x7fb", id="del"), pytest.param("a\x85b", id="c1-next-line"),
    pytest.param("a\u2028b", id="line-separator"), pytest.param("a\u2029b", id="paragraph-separator"),
    pytest.param("admin\u202egnp.exe", id="right-to-left-override"), pytest.param("a\u2066b", id="isolate"),
    pytest.param("a\u200fb", id="rtl-mark"), pytest.param("\ufeffa", id="bom"),
]
REACHABLE = [
    pytest.param("alice@example.com", id="email"), pytest.param("Zoë Åström", id="accents-space"),
    pytest.param("user+tag:1;x=y", id="punctuation"), pytest.param("用户-42", id="cjk"),
    pytest.param("a.b..c", id="dots-inside"), pytest.param("👩‍💻", id="emoji-zwj"),
    pytest.param("it's", id="apostrophe"), pytest.param("...", id="three-dots"),
]


@pytest.mark.parametrize("custom_user_id", UNREACHABLE)
def test_unreachable_ids_are_rejected(custom_user_id: str) -> None:
    with pytest.raises(ValidationError):
        validation.user_id(custom_user_id, Settings())


@pytest.mark.parametrize("custom_user_id", REACHABLE)
def test_ordinary_ids_are_accepted(custom_user_id: str) -> None:
    assert validation.user_id(custom_user_id, Settings()) == custom_user_id


def test_create_and_rename_refuse_unreachable_ids(live_server: LiveServer, engine: Engine) -> None:
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": live_server.project.id}
    with httpx.Client(base_url=live_server.base_url, headers=headers) as http:
        for bad in ("a/b", "?", "x#y", "50%", "..", "a\u2028b", "a\u202eb", "a\x01b"):
            created = http.post("/api/v1/users", json={"custom_user_id": bad})
            assert created.status_code == 422 and created.json()["code"] == "validation_error", bad
            assert "custom_user_id" in created.json()["detail"]
        assert http.post("/api/v1/users", json={"custom_user_id": "ok"}).status_code == 201
        for bad in ("a/b", ".", "a\u2066b"):
            renamed = http.put("/api/v1/users/ok", json={"new_custom_user_id": bad})
            assert renamed.status_code == 422 and "new_custom_user_id" in renamed.json()["detail"], bad
        assert http.get("/api/v1/users").json()["total"] == 1


def test_accepted_ids_are_reachable_as_the_official_sdk_asks(live_server: LiveServer) -> None:
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": live_server.project.id}
    with httpx.Client(headers=headers) as http:
        for param in REACHABLE:
            uid = param.values[0]
            assert http.post(f"{live_server.base_url}/api/v1/users", json={"custom_user_id": uid}).status_code == 201
            # recallrai 0.6.6: self._http.get(f"/api/v1/users/{user_id}") through httpx, no quoting
            got = http.get(f"{live_server.base_url}/api/v1/users/{uid}")
            assert got.status_code == 200 and got.json()["custom_user_id"] == uid, uid
