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

from ..lexicon import word_set
from .around_the_user import BOOKING_HEAD, cleaned, owner_voice_text
from .confirmations import confirmation
from .confirmed_dates import date_confirmation
from .slots import SlotMatch

__all__ = ["Dated", "MessageConfirmations", "booking_slot"]

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
_HEADER = re.compile(r"^(booked|confirmed|reserved|all set|you'?re all set|all booked|done)[\s!.]*$", re.IGNORECASE)
_OWNED = re.compile(r"^(?:your|the)\s+", re.IGNORECASE)
_IS = re.compile(r"\s+(?:is|are|was)\s*:?\s+|\s*:\s*", re.IGNORECASE)


@dataclass
class _Confirmation:
    order: int
    source: str
    content: str
    ended: bool
    upcoming: bool
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
        >>> [dated.content for dated in run.statements()]
        ["User has ordered two ink cartridges for their printer (order number 114-2231); they'll arrive on Thursday"]
    """

    owner: str
    at: datetime | None  # the message's time: each confirmation's day is written in from it
    found: list[_Confirmation] = field(default_factory=list)
    open: bool = False  # the last sentence read was a confirmation (or completed one)
    header: str = ""  # the last sentence was only "Booked!": the next one says what

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
        if confirmed is None and self.header:  # "Booked! Two tickets for Hamilton on Friday at 8 pm."
            confirmed = confirmation(f"{self.header}: {text}", self.owner, asked=asked)
        self.header = m.group(1) if (m := _HEADER.match(text)) else ""
        if self.header:
            return True
        self.open = confirmed is not None and len(self.found) < MAX_PER_MESSAGE
        if confirmed is not None and self.open:
            self.found.append(_Confirmation(order, text, confirmed.content, confirmed.ended, confirmed.upcoming))
        return confirmed is not None

    def statements(self) -> list[Dated]:
        """Each confirmation with its day written in (as said when ``at`` is unknown)."""
        out = []
        for c in self.found:
            content = c.text()
            dated, source = date_confirmation(content, self.at, upcoming=c.upcoming) if self.at is not None \
                else (content, c.source)
            out.append(Dated(c.order, c.source, source, dated, booking_slot(dated, self.owner, ended=c.ended)))
        return out


@dataclass(frozen=True)
class Dated:
    """A confirmation ready to be a statement."""

    order: int  # its place in the message
    sentences: str  # what the assistant said
    source: str  # the text its event date is read from ("on 4 December 2026")
    content: str  # the statement, its day written in
    slot: SlotMatch | None  # the booking it is about, when it names one


_NAME = re.compile(r"[A-Z][\w'&.-]*(?: (?:&|de|la|le|du|of|the) [A-Z][\w'&.-]*| [A-Z][\w'&.-]*){0,4}")
_NOT_NAMES = word_set(
    """User Assistant I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December"""
)
_MANY = word_set("reminder reminders order orders package packages parcel delivery shipment")


def booking_slot(content: str, owner: str, *, ended: bool = False) -> SlotMatch | None:
    """What makes a later confirmation about the same booking its next version: the kind of booking and the
    place or person it is with ("table at nopa", "flight to lisbon"); None for reminders, orders and
    bookings that name nothing. The value is the whole statement (a new day or time is a new version).

    Example::

        >>> booking_slot("User has a table for two at Nopa booked on Friday, 4 December 2026", "User").key
        'booking:table_at_nopa'
    """
    kind = BOOKING_HEAD.search(content, len(owner))
    if kind is None or kind.group(0).lower() in _MANY:
        return None
    after = content[kind.end(): kind.end() + 80]
    for name in _NAME.finditer(after):
        words = name.group(0).split()
        while words and words[0].rstrip(".,") in _NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        before = after[: name.start()].split()
        link = before[-1].lower() if before and before[-1].lower() in _LINKS else ""
        key = "_".join(w.lower().strip(".,'") for w in [kind.group(0), link, *words] if w)
        return SlotMatch(f"booking:{key}", content, negated=ended, change=True)
    return None


_LINKS = word_set("at to from with for in on")
