"""One assistant message's confirmations, each completed by the sentences that follow it, then dated.

"I've reordered two bags of espresso beans. They should arrive on Thursday. Order number 1142-A."
is one confirmation: "User has reordered two bags of espresso beans (order number 1142-A); they
should arrive on Thursday, 3 December 2026." A reference ("confirmation code", "order number",
"booking reference") goes right after what it refers to; an arrival or readiness sentence about
"it"/"they" is joined on. Reference numbers are kept: they are not secrets (credentials such as a
PIN or a door code are dropped before this, by the secrets policy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .around_the_user import cleaned, owner_voice_text
from .confirmations import confirmation
from .confirmed_dates import date_confirmation

__all__ = ["MessageConfirmations"]

MAX_PER_MESSAGE = 8
MAX_PARTS = 3
_REFERENCE = re.compile(
    r"^(?:your |the )?(?:confirmation|booking|reservation|order|reference|tracking|ticket|flight)"
    r" (?:number|code|no\.?|#|id|reference)\b",
    re.IGNORECASE,
)
_MORE = re.compile(
    r"^(?:it|they|this|the (?:order|package|parcel|booking|reservation|delivery|shipment))"
    r"(?:'ll| will| should| is expected to| are expected to| is due to)"
    r" (?:arrive|be delivered|ship|be ready|be there)\b",
    re.IGNORECASE,
)
_OWNED = re.compile(r"^(?:your|the)\s+", re.IGNORECASE)
_IS = re.compile(r"\s+(?:is|are|was)\s*:?\s+|\s*:\s*", re.IGNORECASE)


@dataclass
class _Confirmation:
    order: int
    source: str
    content: str
    references: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)

    def text(self) -> str:
        refs = f" ({'; '.join(self.references)})" if self.references else ""
        return "; ".join([self.content + refs, *self.more])


@dataclass
class MessageConfirmations:
    """The confirmations of one assistant message, in the third person around ``owner``.

    Example::

        >>> run = MessageConfirmations("User", None)
        >>> run.add("I've ordered two ink cartridges for your printer.", 0, asked="")
        True
        >>> run.add("They'll arrive on Thursday.", 1, asked=""), run.add("Order number 114-2231.", 2, asked="")
        (True, True)
        >>> [statement for _, _, _, statement in run.statements()]
        ["User has ordered two ink cartridges for their printer (order number 114-2231); they'll arrive on Thursday"]
    """

    owner: str
    at: datetime | None  # the message's time: each confirmation's day is written in from it
    found: list[_Confirmation] = field(default_factory=list)
    open: bool = False  # the last sentence read was a confirmation (or completed one)

    def add(self, text: str, order: int, *, asked: str) -> bool:
        """Read one sentence (``order`` keeps statements in message order); True when it confirmed something.

        Bounded: at most ``MAX_PER_MESSAGE`` confirmations of ``MAX_PARTS`` follow-ons each are kept (and
        dated); later ones are read and dropped.
        """
        line = cleaned(text) if self.open else ""
        if line and (_REFERENCE.match(line) or _MORE.match(line)):
            last = self.found[-1]
            if len(last.references) + len(last.more) >= MAX_PARTS:
                return True
            last.source = f"{last.source} {text}"
            if _REFERENCE.match(line):  # "Your confirmation number is NP-4471" -> "confirmation number NP-4471"
                reference = _IS.sub(" ", _OWNED.sub("", line), count=1)
                last.references.append(reference[:1].lower() + reference[1:])
            else:
                out = owner_voice_text(line, self.owner)
                last.more.append(out if out.startswith(self.owner) else out[:1].lower() + out[1:])
            return True
        confirmed = confirmation(text, self.owner, asked=asked)
        self.open = confirmed is not None and len(self.found) < MAX_PER_MESSAGE
        if confirmed is not None and self.open:
            self.found.append(_Confirmation(order, text, confirmed.content))
        return confirmed is not None

    def statements(self) -> list[tuple[int, str, str, str]]:
        """Each confirmation as (order, its sentences, the text to date it from, the statement with its day
        written in); without ``at`` the statement keeps the date as said."""
        out = []
        for c in self.found:
            content = c.text()
            dated, source = date_confirmation(content, self.at) if self.at is not None else (content, c.source)
            out.append((c.order, c.source, source, dated))
        return out
