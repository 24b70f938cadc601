"""What never to remember and what always to keep: a project's rules plus the secret check.

Both formation paths filter through this one policy: the offline extractor sentence by sentence,
the LLM extractor on the model's output. Rules are RE2 patterns (:mod:`.rules`), linear in the text.

    >>> policy = policy_for(ExtractionRules(never_remember=("salary",)))
    >>> policy.drops("my salary is 90k"), policy.drops("I live in Paris")
    (True, False)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from .rules import compile_rules, matches_any
from .secrets import REDACTED, has_secret

__all__ = ["ExtractionRules", "Policy", "policy_for"]


@dataclass(frozen=True)
class ExtractionRules:
    """A project's instructions: what never to remember and what always to keep.

    Each entry is an RE2 pattern, matched case-insensitively in time linear in the sentence (see
    :mod:`.rules`); an entry RE2 cannot compile is matched as a literal keyword.

    Example::

        >>> ExtractionRules(never_remember=("salary",), always_remember=("deadline",))
        ExtractionRules(never_remember=('salary',), always_remember=('deadline',))
    """

    never_remember: tuple[str, ...] = ()
    always_remember: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """Compiled rules: ``drops`` what must not be remembered, ``keeps`` what must be, whatever else says."""

    never: tuple[Any, ...]  # compiled RE2 patterns
    always: tuple[Any, ...]
    secrets: bool = True  # check sentences for secrets (off when the whole message has none)

    def drops(self, text: str) -> bool:
        """A secret, a "never remember" rule, or a secret's place: a model reads prompts with their secrets
        redacted, so a statement quoting ``[redacted]`` ("The code for User's gate is [redacted].") was one."""
        return (self.secrets and (has_secret(text) or REDACTED in text)) or matches_any(self.never, text)

    def keeps(self, text: str) -> bool:
        return matches_any(self.always, text)

    def narrowed(self, body: str) -> Policy:
        """The policy for one message: its sentences need the (slow) secret check only if the message fails it."""
        return self if has_secret(body) else replace(self, secrets=False)


@functools.lru_cache(maxsize=128)
def policy_for(rules: ExtractionRules) -> Policy:
    """The compiled policy of a project's rules (cached: projects reuse theirs for every session)."""
    return Policy(compile_rules(rules.never_remember), compile_rules(rules.always_remember))
