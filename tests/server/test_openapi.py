"""The OpenAPI schema tells the truth (errors, security, limits) and /docs works without the internet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs  # comes with schemathesis (dev extra)
import pytest

from recallr.bootstrap import Engine
from recallr.language.categories import DEFAULT_CATEGORIES, validate_category_name
from recallr.llm.config import MAX_INSTRUCTIONS, MAX_RULES
from recallr.server import create_app

from ..conftest import LiveServer, make_settings, shared_embedder


class _Links(HTMLParser):
    """Every URL an HTML page makes the browser load: src=, href=, spec-url=, and url: in inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        self.urls += [value for name, value in attrs if name in ("src", "href", "spec-url") and value]

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls += re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", data)
            self.urls += re.findall(r"https?://[^\s'\"]+", data)


@pytest.fixture
def server(tmp_path: Path) -> Any:
    engine = Engine(make_settings(tmp_path / "data"), embedder=shared_embedder())
    with LiveServer(engine) as live:
        yield live
    engine.close()


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(server: LiveServer, page: str) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        html = http.get(page)
        assert html.status_code == 200
        links = _Links()
        links.feed(html.text)
        assert links.urls, "the page loads no assets?"
        for url in links.urls:
            assert url.startswith("/") and not url.startswith("//"), f"{page} loads {url} from elsewhere"
            loaded = http.get(url)
            assert loaded.status_code == 200, url
            assert len(loaded.content) > 1000, url
        kinds = {http.get(url).headers["content-type"].split(";")[0] for url in links.urls}
        assert "text/javascript" in kinds or "application/javascript" in kinds


def test_swagger_ui_does_not_call_the_public_validator(server: LiveServer) -> None:
    html = httpx.get(f"{server.base_url}/docs").text
    assert '"validatorUrl": null' in html


def _schema(tmp_path: Path, **settings: Any) -> dict[str, Any]:
    engine = Engine(make_settings(tmp_path / "data", **settings), embedder=shared_embedder())
    try:
        return create_app(engine).openapi()
    finally:
        engine.close()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, methods in schema["paths"].items() for method, op in methods.items()]


def test_security_schemes_are_the_two_headers_required_together(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    schemes = schema["components"]["securitySchemes"]
    assert {(s["type"], s["in"], s["name"]) for s in schemes.values()} == {
        ("apiKey", "header", "X-Recallr-Api-Key"), ("apiKey", "header", "X-Recallr-Project-Id")}
    for method, path, op in _operations(schema):
        if path == "/api/v1/health":
            assert "security" not in op
            continue
        assert op["security"] == [{name: [] for name in schemes}], f"{method} {path}"
        names = {p["name"].lower() for p in op.get("parameters", [])}
        assert not names & {"x-recallr-api-key", "x-recallr-project-id"}, "headers belong to the security scheme"


def test_every_operation_documents_its_errors_with_the_real_body(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}
    assert set(error["properties"]) == {"detail", "code", "errors"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for method, path, op in _operations(schema):
        responses = op["responses"]
        expected = {"503"} | ({"401"} if "security" in op else set()) | ({"404"} if "{" in path else set())
        if "requestBody" in op:
            expected |= {"413", "422"}
        if op.get("parameters"):
            expected.add("422")
        assert expected <= set(responses), f"{method} {path} lacks {expected - set(responses)}"
        for status, response in responses.items():
            if status[0] in "45":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "409" in schema["paths"]["/api/v1/users"]["post"]["responses"]
    assert "400" in schema["paths"]["/api/v1/users/{user_id}/sessions/{session_id}/add-message"]["post"]["responses"]


_USERS, _USER = "/api/v1/users", "/api/v1/users/{user_id}"


@pytest.mark.parametrize(("method", "documented", "url", "body", "status"), [
    pytest.param("GET", _USERS, _USERS, None, 401, id="no-key"),
    pytest.param("GET", _USER, "/api/v1/users/nobody", None, 404, id="missing-user"),
    pytest.param("GET", _USERS, "/api/v1/users?limit=0", None, 422, id="limit-out-of-range"),
    pytest.param("POST", _USERS, _USERS, {"custom_user_id": "x" * 300}, 422, id="user-id-too-long"),
    pytest.param("POST", _USERS, _USERS, {"custom_user_id": "taken"}, 409, id="user-exists"),
])
def test_real_error_answers_match_the_documented_error_body(server: LiveServer, method: str, documented: str,
                                                            url: str, body: Any, status: int) -> None:
    schema = httpx.get(f"{server.base_url}/openapi.json").json()
    headers = {} if status == 401 else {"X-Recallr-Api-Key": server.api_key,
                                        "X-Recallr-Project-Id": server.project.id}
    server.engine.users.create(server.project.id, "taken")
    answer = httpx.request(method, f"{server.base_url}{url}", headers=headers, json=body)
    assert answer.status_code == status
    assert str(status) in schema["paths"][documented][method.lower()]["responses"]
    # The Error schema, its $refs resolved against the whole document.
    jsonschema_rs.validate({"$ref": "#/components/schemas/Error", "components": schema["components"]}, answer.json())


def renamed_description(models: dict[str, Any]) -> str:
    return str(models["UserUpdate"]["properties"]["new_custom_user_id"]["description"])


def test_category_names_in_the_schema_are_the_ones_the_server_accepts(tmp_path: Path) -> None:
    pattern = _schema(tmp_path)["components"]["schemas"]["CategoryIn"]["properties"]["name"]["pattern"]
    for category in DEFAULT_CATEGORIES:
        assert re.fullmatch(pattern, category.name), category.name
    for bad in ("Food", "food prefs", "2food", "food__x", "food_"):
        assert not re.fullmatch(pattern, bad)
        with pytest.raises(ValueError):
            validate_category_name(bad)


def test_limits_in_the_schema_follow_the_settings(tmp_path: Path) -> None:
    schema = _schema(tmp_path, max_user_id_length=40, max_message_chars=500, min_auto_process_seconds=900,
                     max_metadata_bytes=2048)
    models = schema["components"]["schemas"]
    assert models["UserCreate"]["properties"]["custom_user_id"]["maxLength"] == 40
    renamed = models["UserUpdate"]["properties"]["new_custom_user_id"]["anyOf"][0]
    assert (renamed["minLength"], renamed["maxLength"]) == (1, 40)
    assert models["MessageCreate"]["properties"]["message"]["maxLength"] == 500
    assert models["SessionCreate"]["properties"]["auto_process_after_seconds"]["anyOf"][0]["minimum"] == 900
    assert "2048 bytes" in models["UserCreate"]["properties"]["metadata"]["description"]
    user_paths = [(path, op) for _, path, op in _operations(schema) if "{user_id}" in path]
    for path, op in user_paths:
        user_id = next(p for p in op["parameters"] if p["name"] == "user_id")
        assert user_id["schema"]["maxLength"] == 40, path
    assert "1-40 characters" in renamed_description(models) and "Renames the user" in renamed_description(models)
    llm = models["ProjectLLMUpdate"]["properties"]
    assert llm["never_remember"]["anyOf"][0]["maxItems"] == MAX_RULES
    assert llm["extraction_instructions"]["anyOf"][0]["maxLength"] == MAX_INSTRUCTIONS
    sorts = {p["name"]: p["schema"].get("enum") for p in schema["paths"]["/api/v1/users/{user_id}/merge-conflicts"]
             ["get"]["parameters"] if p["name"].startswith("sort")}
    assert sorts == {"sort_by": ["created_at", "resolved_at"], "sort_order": ["asc", "desc"]}
    offsets = [p for _, _, op in _operations(schema) for p in op.get("parameters", []) if p["name"] == "offset"]
    assert offsets and all(p["schema"]["maximum"] == 10_000_000 for p in offsets)


def test_a_slash_in_a_path_parameter_gets_the_documented_plain_404(server: LiveServer) -> None:
    schema = httpx.get(f"{server.base_url}/openapi.json").json()
    headers = {"X-Recallr-Api-Key": server.api_key, "X-Recallr-Project-Id": server.project.id}
    answer = httpx.get(f"{server.base_url}/api/v1/users/a%2Fb", headers=headers)
    assert answer.status_code == 404
    documented = schema["paths"][_USER]["get"]["responses"]["404"]["content"]
    assert answer.headers["content-type"].split(";")[0] in documented
    assert answer.text == documented["text/plain"]["schema"]["const"]
