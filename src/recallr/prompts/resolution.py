"""Applying the answers to a merge conflict's questions: which statement is true now, and in what words.

Example::

    ctx = ResolutionContext("User lives in Berlin.", ["User lives in Paris."],
                            [Answer("Where do you live now?", "Berlin", "since March")])
    prompt(ctx).response_model   # ResolutionResponse: {"outcome": "new", "content": "User has lived in ..."}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from ._chat import ChatMessage, Prompt, lenient_text, numbered, task_line

TASK = "resolution"
VERSION = "1"


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    message: str | None = None  # what the person added in their own words


@dataclass(frozen=True)
class ResolutionContext:
    proposed: str
    existing: Sequence[str]
    answers: Sequence[Answer]


class ResolutionResponse(BaseModel):
    outcome: Literal["new", "existing", "both"] = Field(
        description="new: the new statement replaces the remembered one; existing: keep the remembered one; "
                    "both: both are true.")
    content: str | None = Field(None, description="The statement to remember when the answers add detail to the "
                                                  "new one; otherwise null.", json_schema_extra={"maxLength": 400})
    reasoning: str = Field("", json_schema_extra={"maxLength": 400})

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value: Any) -> Any:
        aliases = {"proposed": "new", "replace": "new", "keep": "existing", "old": "existing", "keep_both": "both"}
        return aliases.get(value.strip().lower(), value.strip().lower()) if isinstance(value, str) else value

    @field_validator("content", mode="before")
    @classmethod
    def _content(cls, value: Any) -> str | None:
        text = lenient_text(value)
        return text if text is not None and len(text) >= 3 and text.lower() != "null" else None

    @field_validator("reasoning", mode="before")
    @classmethod
    def _reasoning(cls, value: Any) -> str:
        return lenient_text(value) or ""


_RULES = """A person answered questions about two statements that disagreed. Decide what their memory should
hold now: "new" (the new statement replaces the remembered one), "existing" (the remembered one stays and
the new one is dropped) or "both" (both are true). When the answers add detail to the statement that will
be kept as new, write that statement again with the detail, in the third person, as "content"."""


def messages(ctx: ResolutionContext) -> list[ChatMessage]:
    system = "\n\n".join([
        task_line(TASK, VERSION), _RULES,
        'Answer with one JSON object and nothing else, shaped like:\n'
        '{"outcome": "new", "content": null, "reasoning": "..."}',
    ])
    answers = "\n".join(f"Q: {a.question}\nA: {a.answer}" + (f"\nThey added: {a.message}" if a.message else "")
                        for a in ctx.answers)
    user = (f"New statement: {ctx.proposed}\n\nRemembered:\n{numbered(list(ctx.existing))}\n\n"
            f"Questions and answers:\n{answers}")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def prompt(ctx: ResolutionContext) -> Prompt[ResolutionResponse]:
    return Prompt(TASK, VERSION, messages(ctx), ResolutionResponse)
