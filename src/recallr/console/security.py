"""The console's sign-in cookie, CSRF tokens and bounded form reading.

The project id and API key live only in a signed cookie (HMAC-SHA256 under a key derived from the server secret
of ``llm/keybox.py``), HttpOnly, SameSite=Strict, ``Secure`` over HTTPS, scoped to ``/console``: never in a URL, a
page or a log line. Every state-changing request carries a CSRF token bound to the cookie's random nonce (the
sign-in form too, through a short-lived anonymous cookie), and a cross-origin ``Origin`` is refused.

Example::

    signer = CookieSigner(key)
    value = signer.dumps({"p": "proj", "k": "rai_..."})
    signer.loads(value, max_age_seconds=3600)   # {"p": ..., "k": ..., "n": nonce, "t": issued}
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "recallr_console"
SIGNIN_COOKIE = "recallr_console_signin"
COOKIE_PATH = "/console"
MAX_COOKIE_CHARS = 4096
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 200
SIGNIN_SECONDS = 3600


class ConsoleError(Exception):
    """A console request that cannot be served: shown as a page with ``status`` and ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInRequired(Exception):  # a redirect, not a failure
    """No valid sign-in cookie (or the key stopped working): go to the sign-in page, saying ``message``."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Account:
    """Who is signed in: the project and its key (never rendered), and the nonce CSRF tokens are bound to."""

    project_id: str
    api_key: str
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CookieSigner:
    """Signs and checks cookie values: ``base64(json).base64(hmac)``; O(length), bounded to 4 KiB."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, purpose: str, payload: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}:{payload}".encode(), hashlib.sha256).digest())

    def dumps(self, data: dict[str, Any]) -> str:
        payload = _b64(json.dumps({**data, "n": data.get("n") or secrets.token_urlsafe(18),
                                   "t": int(time.time())}, separators=(",", ":")).encode())
        return f"{payload}.{self._mac('cookie', payload)}"

    def loads(self, value: str | None, *, max_age_seconds: float) -> dict[str, Any] | None:
        """The signed data, or None when missing, altered, malformed or older than ``max_age_seconds``."""
        if not value or len(value) > MAX_COOKIE_CHARS or value.count(".") != 1:
            return None
        payload, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac("cookie", payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("t"), int) or not isinstance(data.get("n"), str):
            return None
        if time.time() - data["t"] > max_age_seconds:
            return None
        return data

    def csrf_token(self, nonce: str) -> str:
        return self._mac("csrf", nonce)

    def check_csrf(self, nonce: str, token: str | None) -> None:
        if not token or not hmac.compare_digest(token, self.csrf_token(nonce)):
            raise ConsoleError(403, "This form has expired or did not come from the console: reload the page and "
                                    "try again.")


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")


def check_origin(request: Request) -> None:
    """Refuse a state change sent from another site (SameSite=Strict already keeps the cookie out of it)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        raise ConsoleError(403, "Cross-site request refused.")


async def read_form(request: Request) -> dict[str, list[str]]:
    """An urlencoded form body, refused (413) past 64 KiB before parsing and (415) in any other encoding."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise ConsoleError(415, "Console forms are sent as application/x-www-form-urlencoded.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise ConsoleError(413, f"Form too large (the limit is {MAX_FORM_BYTES // 1024} KiB).")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise ConsoleError(413, f"Form too large (the limit is {MAX_FORM_BYTES // 1024} KiB).")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as error:
        raise ConsoleError(400, "The form could not be read (not UTF-8, or too many fields).") from error
    form: dict[str, list[str]] = {}
    for key, value in pairs:
        form.setdefault(key, []).append(value)
    return form


def form_token(form: dict[str, list[str]]) -> str | None:
    """The CSRF token a form carries, if any."""
    values = form.get("csrf")
    return values[0] if values else None


def field(form: dict[str, list[str]], name: str, *, max_chars: int, label: str, required: bool = True) -> str:
    """One form field, bounded; a missing or over-long value is a 422 naming the field by its label."""
    value = (form.get(name) or [""])[0]
    if len(value) > max_chars:
        raise ConsoleError(422, f"{label} must be at most {max_chars} characters.")
    if required and not value.strip():
        raise ConsoleError(422, f"{label} is required.")
    return value
