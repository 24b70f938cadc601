"""What a project runs with: the server's ``RECALLR_LLM_*`` settings under the project's stored overrides.

Example::

    config = effective(settings, ProjectLLMRecord(project_id, model="qwen2.5:14b"))
    config.enabled, config.model          # (True, 'qwen2.5:14b') when the server offers that model
    config.rules.extraction_rules()       # ExtractionRules for the offline extractor, or None

Which endpoint, key and model a project may use is decided in ``access.py``; an override the server does not
allow leaves the project offline (``refused`` says why) rather than sending anything anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..exceptions import ValidationError
from ..language.policy import ExtractionRules
from ..language.rules import rule_problem
from ..prompts.extraction import Example
from ..settings import Settings
from ..store.llm import ProjectLLMRecord
from . import access
from .provider import OPENAI_URL

MODES = ("inherit", "llm", "offline")
MAX_INSTRUCTIONS = 4000
MAX_RULES, MAX_RULE_CHARS = 100, 200
MAX_EXAMPLES, MAX_EXAMPLE_CHARS = 20, 2000


@dataclass(frozen=True)
class ProjectRules:
    """A project's extraction instructions: for the prompts, and (never/always) for the offline filters."""

    instructions: str = ""
    never_remember: tuple[str, ...] = ()
    always_remember: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()

    def extraction_rules(self) -> ExtractionRules | None:
        if not self.never_remember and not self.always_remember:
            return None
        return ExtractionRules(never_remember=self.never_remember, always_remember=self.always_remember)


@dataclass(frozen=True)
class EffectiveLLM:
    """The LLM configuration one project's work runs with."""

    enabled: bool
    model: str | None
    base_url: str | None
    api_key: str | None
    rules: ProjectRules = field(default_factory=ProjectRules)
    own_endpoint: bool = False  # the project's base_url (and key), not the server's
    refused: str | None = None  # why the project's overrides keep it offline

    @property
    def endpoint_key(self) -> str:
        return self.base_url or OPENAI_URL


def effective(settings: Settings, record: ProjectLLMRecord, *, key_unreadable: bool = False) -> EffectiveLLM:
    """Overrides win over settings where the server allows them; LLM mode needs a model and a mode other than
    ``offline``. The server's key goes only with the server's endpoint. ``record.api_key`` is the opened key."""
    model = record.model or settings.llm_model
    wanted = record.mode != "offline" and bool(model)
    refused = access.refusal(settings, base_url=record.base_url, api_key=record.api_key, model=record.model) \
        if wanted else None
    if wanted and refused is None and key_unreadable:
        refused = "the project's api_key cannot be decrypted with the server's secret key; store it again"
    own_endpoint = record.base_url is not None
    if own_endpoint:
        base_url, key = record.base_url, record.api_key
    else:
        base_url = settings.llm_base_url
        key = record.api_key or (settings.llm_api_key.get_secret_value() if settings.llm_api_key else None)
    if refused is not None or key_unreadable:
        key = None
    rules = ProjectRules(
        instructions=record.extraction_instructions, never_remember=tuple(record.never_remember),
        always_remember=tuple(record.always_remember),
        examples=tuple(Example(str(e.get("message", "")), tuple(str(m) for m in e.get("memories", [])))
                       for e in record.examples),
    )
    return EffectiveLLM(enabled=wanted and refused is None, model=model, base_url=base_url, api_key=key, rules=rules,
                        own_endpoint=own_endpoint, refused=refused)


def apply_changes(record: ProjectLLMRecord, changes: dict[str, Any], settings: Settings) -> ProjectLLMRecord:
    """``record`` with ``changes`` applied after checking them (ValidationError names the field)."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        values[name] = _CHECKS[name](value) if name in _CHECKS else _unknown(name)
    if values.get("mode", "unchanged") == "inherit":
        values["mode"] = None
    updated = replace(record, **values)
    if updated.mode == "llm" and not (updated.model or settings.llm_model):
        raise ValidationError("mode 'llm' needs a model: set model here or RECALLR_LLM_MODEL on the server")
    if _CONNECTION.intersection(changes):
        refused = access.refusal(settings, base_url=updated.base_url, api_key=updated.api_key, model=updated.model)
        if refused is not None:
            raise ValidationError(refused)
    return updated


def _unknown(name: str) -> Any:
    raise ValidationError(f"{name} is not an LLM setting")


def _mode(value: Any) -> str | None:
    if value is None:
        return None
    if value not in MODES:
        raise ValidationError(f"mode must be one of {', '.join(MODES)}")
    return str(value)


def _optional_text(name: str, limit: int, pattern: re.Pattern[str] | None = None) -> Any:
    def check(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or len(value) > limit:
            raise ValidationError(f"{name} must be a string of at most {limit} characters")
        if pattern is not None and not pattern.match(value.strip()):
            raise ValidationError(f"{name} must be an http:// or https:// URL")
        return value.strip()
    return check


def _instructions(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_INSTRUCTIONS:
        raise ValidationError(f"extraction_instructions must be a string of at most {MAX_INSTRUCTIONS} characters")
    return value.strip()


def _rule_list(name: str) -> Any:
    def check(value: Any) -> list[str]:
        items = [] if value is None else value
        if not isinstance(items, list) or len(items) > MAX_RULES or not all(
                isinstance(i, str) and 0 < len(i.strip()) <= MAX_RULE_CHARS for i in items):
            raise ValidationError(f"{name} must be a list of at most {MAX_RULES} non-empty strings of at most "
                                  f"{MAX_RULE_CHARS} characters")
        for item in items:
            problem = rule_problem(item.strip())
            if problem is not None:
                raise ValidationError(f"{name}: the rule {item.strip()[:60]!r} {problem}")
        return [i.strip() for i in items]
    return check


def _examples(value: Any) -> list[dict[str, Any]]:
    items = [] if value is None else value
    message = (f"examples must be a list of at most {MAX_EXAMPLES} objects {{\"message\": str, \"memories\": [str]}}"
               f" with at most {MAX_EXAMPLE_CHARS} characters each")
    if not isinstance(items, list) or len(items) > MAX_EXAMPLES:
        raise ValidationError(message)
    out: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("message"), str) or not item["message"].strip():
            raise ValidationError(message)
        memories = item.get("memories") or []
        if not isinstance(memories, list) or not all(isinstance(m, str) for m in memories):
            raise ValidationError(message)
        if len(item["message"]) + sum(len(m) for m in memories) > MAX_EXAMPLE_CHARS:
            raise ValidationError(message)
        out.append({"message": item["message"].strip(), "memories": [m.strip() for m in memories if m.strip()]})
    return out


def _base_url(value: Any) -> str | None:
    url = _optional_text("base_url", 500)(value)
    problem = None if url is None else access.endpoint_problem(url)
    if problem is not None:
        raise ValidationError(problem)
    return url


_CONNECTION = frozenset({"base_url", "api_key", "model"})  # changes of these are checked against the server's rules
_CHECKS: dict[str, Any] = {
    "mode": _mode,
    "model": _optional_text("model", 200),
    "base_url": _base_url,
    "api_key": _optional_text("api_key", 500),
    "extraction_instructions": _instructions,
    "never_remember": _rule_list("never_remember"),
    "always_remember": _rule_list("always_remember"),
    "examples": _examples,
}
