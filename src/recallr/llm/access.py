"""What a project may do with the server's LLM: which endpoint, which key, which model.

The rules (docs/llm.md, "Per-project settings"):

* The server's key (``RECALLR_LLM_API_KEY``) is only ever sent to the server's endpoint.
* A project may name its own endpoint (``base_url``) only when ``RECALLR_LLM_PROJECT_ENDPOINTS`` is on and the
  host is in ``RECALLR_LLM_PROJECT_ENDPOINT_HOSTS`` (when that list is set); it must then bring its own ``api_key``.
* On the server's endpoint a project may choose ``RECALLR_LLM_MODEL`` or a model of ``RECALLR_LLM_PROJECT_MODELS``;
  any other model needs the project's own endpoint.

``refusal`` is checked when a project changes its settings (a 422 names the problem) and again for every piece
of work, so a setting stored before the server's policy changed is not used either (the project runs offline).

Example::

    refusal(Settings(llm_model="m"), base_url="http://10.0.0.5/v1", api_key="sk", model=None)
    # 'this server does not let projects set their own LLM endpoint'

Every check is linear in its input (``urllib.parse.urlsplit``, string comparisons).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..settings import Settings


def endpoint_problem(base_url: str) -> str | None:
    """Why ``base_url`` is not a usable endpoint URL (None: it is)."""
    try:
        parts = urlsplit(base_url)
        _ = parts.port  # a port that is not a number in range raises here
    except ValueError:
        return "base_url must be an http:// or https:// URL"
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in base_url):
        return "base_url must be an http:// or https:// URL"
    if parts.username is not None or parts.password is not None:
        return "base_url must not contain credentials: send the key as api_key"
    if parts.query or parts.fragment:
        return "base_url must not have a query or fragment"
    return None


def host_allowed(base_url: str, allowed: list[str]) -> bool:
    """Whether the URL's host is one of ``allowed`` (``host``, ``host:port``, ``.domain`` for subdomains)."""
    if not allowed:
        return True
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for entry in (e.strip().lower() for e in allowed):
        if entry.startswith("."):
            if host.endswith(entry) or host == entry[1:]:
                return True
        elif entry == host or entry == f"{host}:{port}":
            return True
    return False


def models_offered(settings: Settings) -> list[str]:
    """The models a project may choose on the server's endpoint (the server's own model first)."""
    models = [settings.llm_model] if settings.llm_model else []
    return list(dict.fromkeys([*models, *settings.llm_project_models]))


def refusal(settings: Settings, *, base_url: str | None, api_key: str | None, model: str | None) -> str | None:
    """Why the server does not run a project with these overrides (None: it does)."""
    if base_url is not None:
        if not settings.llm_project_endpoints:
            return "this server does not let projects set their own LLM endpoint (base_url)"
        problem = endpoint_problem(base_url)
        if problem is not None:
            return problem
        if not host_allowed(base_url, settings.llm_project_endpoint_hosts):
            return "this server does not allow the host of base_url"
        if api_key is None:
            return "a project's own base_url needs the project's own api_key (the server's key stays with the " \
                   "server's endpoint)"
        return None
    if model is not None and model not in models_offered(settings):
        return (f"model {model} is not offered on the server's LLM endpoint; choose one of the allowed models, or "
                "use the project's own base_url and api_key")
    return None
