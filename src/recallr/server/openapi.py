"""The OpenAPI schema tells the truth: every error a route can answer, with its real body, and every limit.

``document(app, settings)`` runs once in ``create_app``; the schema it serves has:

* on each operation the errors it can give, all with the one error body (``Error``): 401 when it needs a
  key, 404 when its path names a row, 400 (unreadable body), 408, 413 and 422 when it takes a body, 422 when it
  takes parameters, 503 (with ``Retry-After``) since every route reads the database; routes add their own
  400/409 (``responses=errors(409)``);
* the schema's security scheme is the pair of headers, required together, which gives ``/docs`` its
  Authorize button;
* the limits that come from ``Settings`` (user id length, message length, metadata size...) are written into
  the schema from the running server's settings, so a changed setting changes the documentation too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from ..engine.validation import MAX_OFFSET
from ..exceptions import ROUTE_NOT_FOUND
from ..llm.config import MAX_EXAMPLE_CHARS, MAX_EXAMPLES, MAX_INSTRUCTIONS, MAX_RULE_CHARS, MAX_RULES
from ..settings import Settings

MAX_AUTO_PROCESS_SECONDS = 365 * 86_400
#: A user id (engine/validation.user_id): not blank and not "." or ".." are checked by the server; the schema
#: says which characters are refused (controls, / ? # %, line separators, bidirectional controls, BOM).
USER_ID_PATTERN = ("^[^\\u0000-\\u001f\\u007f-\\u009f/?#%\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e"
                   "\\u2066-\\u2069\\ufeff]+$")
#: lowercase_snake, as ``engine.categories.validate_category_name`` checks.
CATEGORY_PATTERN = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$"


class FieldError(BaseModel):
    loc: list[str | int] = Field(..., description="Where the failing value is, e.g. [\"body\", \"metadata\"].")
    msg: str
    type: str


class ErrorBody(BaseModel):
    """The one JSON error shape of every 4xx and 5xx answer."""

    model_config = ConfigDict(extra="allow", title="Error")

    detail: str | dict[str, Any] = Field(
        ..., description="What went wrong: a message, or an object with `message` and details "
        "(`invalid_categories` on 400 invalid_categories).")
    code: str = Field(..., description="Stable machine-readable code, one per exception class "
                      "(`user_not_found`, `validation_error`, ...); the SDKs map it back to the exception.")
    errors: list[FieldError] = Field(default_factory=list, description="422 only: each failing field.")


_DESCRIPTIONS = {
    400: "The operation is not allowed in the resource's current state, or names unknown categories or "
         "questions.",
    401: "`X-Recallr-Api-Key` or `X-Recallr-Project-Id` is missing, wrong or revoked.",
    404: "No such user, session, memory, merge conflict or category in this project.",
    409: "A user or category with that id already exists.",
    408: "The request body did not arrive within the server's body timeout.",
    413: "The request body is larger than the server accepts.",
    422: "A parameter or body field broke a documented limit; `errors` lists each failing field.",
    503: "The database is unreachable; retry after `Retry-After` seconds.",
}


#: The 400 of every operation with a body: Starlette cannot decode it (not UTF-8, for instance).
_UNREADABLE_BODY = "The request body could not be read (`There was an error parsing the body`)."


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries for ``statuses``, each with the error body. Example: ``errors(400, 409)``."""
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]} for status in statuses}


def document(app: FastAPI, settings: Settings) -> None:
    """Serve the schema with every route's error responses, the security scheme and the limits filled in."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            _require_both_headers(schema)
            _add_common_errors(schema)
            _write_limits(schema, settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_common_errors(schema: dict[str, Any]) -> None:
    """The errors every route can give, by what the route takes; FastAPI's own 422 body is replaced by ours."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components["Error"] = body
    for path, methods in schema.get("paths", {}).items():
        for operation in methods.values():
            statuses = [503]
            if operation.get("security"):
                statuses.append(401)
            if "{" in path:
                statuses.append(404)
            if "requestBody" in operation:
                statuses += [400, 408, 413]
            if "requestBody" in operation or operation.get("parameters"):
                statuses.append(422)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                if status == 422 or str(status) not in responses:
                    responses[str(status)] = _error_response(status)
                elif status == 400:
                    responses["400"]["description"] += " " + _UNREADABLE_BODY
            for status in [s for s in responses if s.startswith(("4", "5"))]:
                responses[status]["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            if "{" in path:
                # A path parameter holding "/" makes a path no route serves: errors.route_not_found's plain text.
                responses["404"]["content"]["text/plain"] = {"schema": {"type": "string", "const": ROUTE_NOT_FOUND}}
                responses["404"]["description"] += f" A path parameter with `/` in it: text/plain `{ROUTE_NOT_FOUND}`."
    for unused in ("HTTPValidationError", "ValidationError", "ErrorBody"):
        components.pop(unused, None)


def _error_response(status: int) -> dict[str, Any]:
    description = _UNREADABLE_BODY if status == 400 else _DESCRIPTIONS[status]
    response: dict[str, Any] = {"description": description}
    if status == 503:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait before retrying.",
                                               "schema": {"type": "string"}}}
    return response


def _require_both_headers(schema: dict[str, Any]) -> None:
    """FastAPI lists the two header schemes as alternatives; the server needs both in one request."""
    for operation in _operations(schema):
        names = [name for requirement in operation.get("security", []) for name in requirement]
        if names:
            operation["security"] = [{name: [] for name in names}]


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for methods in schema.get("paths", {}).values() for op in methods.values() if isinstance(op, dict)]


def _write_limits(schema: dict[str, Any], settings: Settings) -> None:
    user_id = {"minLength": 1, "maxLength": settings.max_user_id_length, "pattern": USER_ID_PATTERN,
               "note": f"1-{settings.max_user_id_length} characters, not blank, not . or .., none of / ? # %, "
                       "no control, line-separator or bidirectional-control characters."}
    metadata = {"description": f"Any JSON object, at most {settings.max_metadata_bytes} bytes as compact JSON, "
                               f"nested at most {settings.max_metadata_depth} levels; finite numbers, integers within "
                               "64 bits, no NUL or lone surrogates in strings."}
    rules = {"maxItems": MAX_RULES, "items": {"type": "string", "minLength": 1, "maxLength": MAX_RULE_CHARS}}
    fields: dict[tuple[str, str], dict[str, Any]] = {
        ("UserCreate", "custom_user_id"): user_id,
        ("UserUpdate", "new_custom_user_id"): user_id,
        ("UserCreate", "metadata"): metadata,
        ("UserUpdate", "new_metadata"): metadata,
        ("SessionCreate", "metadata"): metadata,
        ("SessionUpdate", "new_metadata"): metadata,
        ("MessageCreate", "message"): {"minLength": 1, "maxLength": settings.max_message_chars},
        ("SessionCreate", "auto_process_after_seconds"): {
            "minimum": settings.min_auto_process_seconds, "maximum": MAX_AUTO_PROCESS_SECONDS},
        ("CategoryIn", "name"): {"minLength": 1, "maxLength": 64, "pattern": CATEGORY_PATTERN},
        ("CategoryIn", "description"): {"minLength": 1, "maxLength": 500},
        ("CategoryUpdate", "description"): {"minLength": 1, "maxLength": 500},
        ("ProjectLLMUpdate", "extraction_instructions"): {"maxLength": MAX_INSTRUCTIONS},
        ("ProjectLLMUpdate", "never_remember"): rules,
        ("ProjectLLMUpdate", "always_remember"): rules,
        ("ProjectLLMUpdate", "examples"): {
            "maxItems": MAX_EXAMPLES,
            "note": f"Each example at most {MAX_EXAMPLE_CHARS} characters, message and memories together."},
    }
    models = schema.get("components", {}).get("schemas", {})
    for (model, name), limits in fields.items():
        prop = models.get(model, {}).get("properties", {}).get(name)
        if prop is not None:
            _constrain(prop, limits)
    parameters: dict[str, Callable[[dict[str, Any]], None]] = {
        "user_id": lambda p: _constrain(p["schema"], user_id),
        "offset": lambda p: _constrain(p["schema"], {"maximum": MAX_OFFSET}),
    }
    for operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter.get("name") in parameters and parameter.get("in") in ("path", "query"):
                parameters[parameter["name"]](parameter)


def _constrain(prop: dict[str, Any], limits: dict[str, Any]) -> None:
    """Apply ``limits`` to a property, or to the non-null branch of an optional one.

    ``description`` replaces the property's description; ``note`` is added to it.
    """
    if "description" in limits:
        prop["description"] = limits["description"]
    if "note" in limits:
        prop["description"] = f"{prop.get('description', '')} {limits['note']}".strip()
    keywords = {k: v for k, v in limits.items() if k not in ("description", "note")}
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"] or [prop]
    for branch in branches:
        branch.update(keywords)
