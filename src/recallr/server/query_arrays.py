"""``name[]=a&name[]=b`` (axios', PHP's and Rails' way of repeating a parameter) read as ``name=a&name=b``.

The official Node SDK sends list parameters (``status_filter``, ``categories``, ``session_id_filter``) with
axios' default serialisation, which appends ``[]`` to the key (sent percent-encoded, ``status_filter%5B%5D``).
FastAPI only reads ``name``, and ignores unknown keys, so without this the filters would silently match
everything. The fold happens once, in the ASGI scope, before routing: every route and every repeated
parameter gets it, and both spellings may be mixed in one request (their values are concatenated in order).

Cost: one linear pass over the query string, only when it holds ``[`` or ``%5B`` at all.
"""

from __future__ import annotations

from urllib.parse import quote, unquote_plus

from starlette.types import ASGIApp, Receive, Scope, Send

_SUFFIX = "[]"


def fold_bracketed_keys(query: bytes) -> bytes:
    """``query`` with each key ending in ``[]`` (raw or percent-encoded) renamed to the key without it.

    Values and every other pair are kept byte for byte. Linear in ``len(query)``.

    Example::

        >>> fold_bracketed_keys(b"status_filter%5B%5D=pending&status_filter[]=processed&limit=5")
        b'status_filter=pending&status_filter=processed&limit=5'
    """
    lowered = query.lower()
    if b"[" not in query and b"%5b" not in lowered:
        return query
    pairs = query.split(b"&")
    for i, pair in enumerate(pairs):
        raw_key, sep, value = pair.partition(b"=")
        if not raw_key.endswith(b"]") and raw_key[-3:].lower() != b"%5d":
            continue  # most keys: no decoding at all
        key = unquote_plus(raw_key.decode("utf-8", "replace"), encoding="utf-8", errors="replace")
        if len(key) > len(_SUFFIX) and key.endswith(_SUFFIX):
            plain = quote(key[: -len(_SUFFIX)], safe="", encoding="utf-8", errors="replace")
            pairs[i] = plain.encode("ascii") + sep + value
    return b"&".join(pairs)


class BracketedArrayParams:
    """ASGI middleware: folds ``name[]`` query keys into ``name`` for every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            folded = fold_bracketed_keys(scope["query_string"])
            if folded is not scope["query_string"]:
                scope = dict(scope, query_string=folded)
        await self.app(scope, receive, send)
