"""Clarifying questions for a merge conflict: what to ask the user so they can say which statement is true now.

Every option carries its ``outcome`` (``new``: the proposed statement is true now, ``existing``: the remembered
one still is, ``both``), so an answer can be applied even when the model is unreachable later.

Example::

    ctx = ClarificationContext("User lives in Berlin.", ["User lives in Paris."], "Two homes at once.",
                               ["user: I live in Berlin."])
    prompt(ctx).response_model   # ClarificationResponse
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from ._chat import ChatMessage, Prompt, numbered, task_line

TASK = "clarification"
VERSION = "1"

Outcome = Literal["new", "existing", "both"]
_OUTCOMES = {"new": "new", "proposed": "new", "existing": "existing", "old": "existing", "current": "existing",
             "both": "both", "neither": "existing"}


@dataclass(frozen=True)
class ClarificationContext:
    proposed: str
    existing: Sequence[str]
    reason: str
    excerpt: Sequence[str] = ()  # the messages the proposed statement came from


class Option(BaseModel):
    text: str = Field(min_length=1, max_length=300)
    outcome: Outcome

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value: Any) -> Any:
        return _OUTCOMES.get(value.strip().lower(), value) if isinstance(value, str) else value


class Question(BaseModel):
    question: str = Field(min_length=3, max_length=500)
    options: list[Option] = Field(min_length=2, max_length=5)

    @model_validator(mode="after")
    def _decidable(self) -> Question:
        outcomes = {o.outcome for o in self.options}
        if not {"new", "existing"} <= outcomes:
            raise ValueError("each question needs at least one 'new' and one 'existing' option")
        if len({o.text for o in self.options}) != len(self.options):
            raise ValueError("options of a question must differ")
        return self


class ClarificationResponse(BaseModel):
    questions: list[Question] = Field(min_length=1, max_length=3)

    @model_validator(mode="after")
    def _distinct(self) -> ClarificationResponse:
        if len({q.question for q in self.questions}) != len(self.questions):
            raise ValueError("questions must differ")
        return self


_RULES = """A new statement about a person contradicts what is remembered about them, and the conversation
does not say which one is true now. Write one to three short, friendly questions to ask the person, each
with two to five short answer options. Label every option with its outcome:
- "new": the new statement is true now (it replaces the remembered one);
- "existing": the remembered statement is still true (the new one is dropped);
- "both": both are true.
Every question needs at least one "new" and one "existing" option."""


def messages(ctx: ClarificationContext) -> list[ChatMessage]:
    system = "\n\n".join([
        task_line(TASK, VERSION), _RULES,
        'Answer with one JSON object and nothing else, shaped like:\n{"questions": [{"question": "...", '
        '"options": [{"text": "...", "outcome": "new"}, {"text": "...", "outcome": "existing"}]}]}',
    ])
    parts = [f"New statement: {ctx.proposed}", "Remembered:\n" + numbered(list(ctx.existing)),
             f"Why they disagree: {ctx.reason or 'not given'}"]
    if ctx.excerpt:
        parts.append("From the conversation:\n" + "\n".join(ctx.excerpt))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def prompt(ctx: ClarificationContext) -> Prompt[ClarificationResponse]:
    return Prompt(TASK, VERSION, messages(ctx), ClarificationResponse)
