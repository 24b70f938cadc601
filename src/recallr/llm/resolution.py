"""Applying the answers to LLM-written clarifying questions.

Questions written by the model carry each option's outcome (``ProposedMemory.option_outcomes``), so the answers
can always be applied: the answer to the first question asked decides. When the project runs in LLM mode
the model reads the answers instead (with any words the user added) and may reword the statement kept;
if it fails, the options' outcomes decide. Conflicts with the built-in question need neither: the engine
applies them as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from ..engine.resources.conflicts import Resolution
from ..prompts import resolution
from ..store.conflicts import ConflictRecord
from .errors import LLMError
from .structured import StructuredCaller
from .usage import UsageMeter

log = logging.getLogger("recallr.llm")
RESOLUTION_TOKENS = 400
_OUTCOMES: dict[str, Literal["new", "existing", "both"]] = {"new": "new", "existing": "existing", "both": "both"}


def tagged_outcome(conflict: ConflictRecord) -> Resolution | None:
    """The outcome of the answer to the first question, from the options' labels; None for built-in questions."""
    outcomes = conflict.proposed.option_outcomes
    if not outcomes:
        return None
    order = {q["question"]: i for i, q in enumerate(conflict.questions)}
    answers = sorted(conflict.answers or [], key=lambda a: order.get(a.get("question", ""), len(order)))
    for answer in answers:
        outcome = _OUTCOMES.get(outcomes.get(answer.get("question", ""), {}).get(answer.get("answer", "")) or "")
        if outcome is not None:
            return Resolution(outcome, reasoning=f"Chosen option: {answer['answer']!r}.")
    return Resolution("existing", reasoning="No answer chose the new statement; the remembered one stays.")


def resolve_with_model(conflict: ConflictRecord, existing: Sequence[str], caller: StructuredCaller,
                       meter: UsageMeter) -> Resolution | None:
    """The model's reading of the answers; the options' outcomes when it fails (None for built-in questions)."""
    tagged = tagged_outcome(conflict)
    if tagged is None:
        return None
    answers = [resolution.Answer(a.get("question", ""), a.get("answer", ""), a.get("message"))
               for a in conflict.answers or []]
    ctx = resolution.ResolutionContext(conflict.proposed.content, list(existing), answers)
    try:
        answer = caller.ask(resolution.prompt(ctx), meter, max_tokens=RESOLUTION_TOKENS)
    except LLMError as error:
        meter.fallback(resolution.TASK)
        log.warning("merge conflict %s: LLM resolution failed, applying the chosen options: %s", conflict.id,
                    error.message)
        return tagged
    return Resolution(answer.outcome, answer.content if answer.outcome != "existing" else None, answer.reasoning)
