"""What the assistant confirmed or promised, as statements about the user's plans.

"Done: your table for two at Nopa is booked for Friday at 8 pm." is not the assistant's chatter but
the user's plan: ``User has a table for two at Nopa booked on Friday at 8 pm``. The rules below read
one assistant sentence and rewrite it around the user, keeping every detail (what, where, who,
when, reference numbers):

* done by the assistant: "I've booked/scheduled/ordered/added ..." -> "User has booked ...";
* the user's thing in a settled state: "Your appointment is confirmed for ..." -> "User has an
  appointment confirmed for ...";
* the user's thing on its way: "Your order of running shoes will arrive on the 20th" -> "User's order
  of running shoes will arrive on the 20th";
* the user booked or holding something: "You're booked in for ...", "You have a dentist
  appointment on ...";
* promises: "I'll remind you to call your mom on Sunday" -> "User has a reminder to call their mom
  on Sunday"; "I'll book ..." -> "Assistant will book ... for User".

Offers and hedges are not confirmations ("I can book it if you like", "Would you like me to ...",
"once you confirm", "I couldn't book ...", "Nopa is fully booked"). Dates are resolved later, by
:mod:`.confirmed_dates`, against the message's time. Every pattern is anchored at the start of a
sentence of bounded length, with bounded repetition: linear in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..pattern import Rule, register, verbose
from .around_the_user import (
    BOOKING_HEAD,
    BOOKING_NOUNS,
    cleaned,
    common_first,
    object_phrase,
    owner_voice_text,
    requested_object,
    strip_acknowledgement,
)

__all__ = ["Confirmed", "confirmation", "rules"]


@dataclass(frozen=True)
class Confirmed:
    """A confirmation rewritten around the user (no final full stop), and whether its date lies ahead."""

    content: str
    upcoming: bool  # a bare date in it ("Friday", "the 14th") means the next one, not the last
    ended: bool = False  # a cancellation: it ends the booking it names


# --- builders: one match -> a statement about the owner ("User") -----------------------------------

_FOR_YOU = re.compile(r"\s+for you\b|^you\s+(?=(?:a|an|the|two|three|\d)\b)", re.IGNORECASE)
_PRONOUN_OBJECT = re.compile(r"^(?:it|that|them|this|one)\b", re.IGNORECASE)
_VERB_FORMS = {"put": "added", "paid": "paid for", "signed you up": "signed up for"}
# What makes a bare "I booked ..." an errand for the user: the user or a day in it.
_FOR_THE_USER = re.compile(
    r"\b(?:you|your|today|tonight|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|"
    r"april|june|july|august|september|october|november|december|\d{1,2}(?::\d\d)?\s?(?:am|pm)|\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
_YOU = re.compile(r"you\b", re.IGNORECASE)
_DAYISH = re.compile(_FOR_THE_USER.pattern.replace("you|your|", ""), re.IGNORECASE)
_ALL_SET = re.compile(r"you(?:'re| are) (?:all )?set\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[[A-Z][\w ]{0,30}\]")
_VISITOR = re.compile(
    r"\b(?:plumber|electrician|technician|engineer|cleaners?|driver|courier|mechanic|nurse|tutor|babysitter|"
    r"contractor|inspector|installer|movers|handyman|locksmith|painter|gardener|groomer|dog walker|sitter)\b",
    re.IGNORECASE,
)
_DOWN_FOR = re.compile(r"you\s+(?:down|in)\s+for\s+", re.IGNORECASE)
_YOU_OBJECT = re.compile(r"^you\s+(?=(?:on|onto|in|into|for|at|to|with|from)\b)", re.IGNORECASE)


def _done(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    verb = m.group("verb").lower()
    rest = m.group("rest").strip()
    if not (m.group("perfect") or m.group("adverbs") or _FOR_THE_USER.search(rest) or requested_object(asked)):
        return None  # a bare "I booked flights for years": not an errand done for the user
    if verb in ("sent", "emailed", "texted", "forwarded"):  # the assistant's doing: "Assistant has sent User ..."
        return Confirmed(owner_voice_text(f"I have {verb} {rest}", owner), upcoming=True) if _YOU.match(rest) \
            else None
    if (down := _DOWN_FOR.match(rest)) is not None:  # "I've put you down for the 7 am class"
        return Confirmed(owner_voice_text(f"{owner} is signed up for {rest[down.end():]}", owner), upcoming=True)
    if _YOU_OBJECT.match(rest):  # "I've rebooked you on the 7:40 flight": the user has been rebooked
        statement = f"{owner} has been {verb} {_YOU_OBJECT.sub('', rest)}"
        return Confirmed(owner_voice_text(statement, owner), upcoming=True)
    rest = _FOR_YOU.sub("", rest)
    if _PRONOUN_OBJECT.match(rest):
        wanted = requested_object(asked)
        if wanted is None:
            return None  # "I've booked it" with nothing to say what "it" is
        rest = _PRONOUN_OBJECT.sub(wanted, rest, count=1)
    if not rest or (len(rest.split()) < 2 and not rest[:1].isupper()):
        return None
    verb = _VERB_FORMS.get(verb, verb)
    if verb in ("made", "created") and not BOOKING_HEAD.search(rest):
        return None  # "I've made a list", "I created a summary": not a plan of the user's
    return Confirmed(owner_voice_text(f"{owner} has {verb} {rest}", owner), upcoming=True,
                     ended=verb.startswith("cancel"))


def _will(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    verb = m.group("verb").lower()
    rest = m.group("rest").strip()
    if verb in ("remind", "ping", "nudge", "notify", "alert", "text", "message"):
        rest = re.sub(r"^you\b\s*(?:a\s+reminder\b\s*)?", "", rest, flags=re.IGNORECASE)
        if not rest:
            return None
        return Confirmed(owner_voice_text(f"{owner} has a reminder {rest}", owner), upcoming=True)
    if _PRONOUN_OBJECT.match(rest) and (wanted := requested_object(asked)) is not None:
        rest = _PRONOUN_OBJECT.sub(wanted, rest, count=1)
    elif _PRONOUN_OBJECT.match(rest):
        return None
    return Confirmed(owner_voice_text(f"I will {verb} {rest}", owner), upcoming=True)


def _settled(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    thing, verb = common_first(m.group("thing")), m.group("verb").lower()
    det = (m.group("det") or "").lower()
    if verb.endswith(" to") and (det == "your" or BOOKING_HEAD.search(thing) or _VISITOR.search(thing)):
        # "The plumber is scheduled to come on Wednesday" -> "User has a plumber scheduled to come ..."
        statement = f"{owner} has {object_phrase('your ' + thing)} {verb}{m.group('rest').rstrip()}"
        return Confirmed(owner_voice_text(statement, owner), upcoming=True)
    if verb.endswith(" to"):
        return None  # "The Chiefs are scheduled to face the Eagles": not the user's
    if det != "your" and not (BOOKING_HEAD.search(thing) if det else BOOKING_HEAD.match(thing)):
        return None  # "The restaurant is booked", "Both shows have been renewed": not the user's
    if verb == "set" and det != "your":
        return None  # "The game is set on a mysterious island": a setting, not a booking
    rest = m.group("rest").rstrip()
    if verb.startswith("cancel"):
        return Confirmed(owner_voice_text(m.group(0), owner), upcoming=True, ended=True)
    statement = f"{owner} has {object_phrase('your ' + thing)} {verb}{rest}"
    return Confirmed(owner_voice_text(statement, owner), upcoming=True)


def _on_its_way(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    thing = m.group("thing")
    if m.group("det").lower() == "the" and not (BOOKING_HEAD.search(thing) or re.search(r"\byou\b", thing)):
        return None  # "The museum opens at 9": general information
    past = bool(re.match(r"\s*(?:shipped|has|have|was|were)\b", m.group("pred"), re.IGNORECASE))
    return Confirmed(owner_voice_text(m.group(0), owner), upcoming=not past)


def _when(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    if not BOOKING_HEAD.search(m.group("thing")):
        return None  # "Your birthday is in May": the user's own fact, said by the user
    return Confirmed(owner_voice_text(m.group(0), owner), upcoming=True)


def _you_are(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    said = m.group(0)
    if not (_DAYISH.search(said) or (BOOKING_HEAD.search(said) and not _ALL_SET.match(said))):
        return None  # "You're all set for an amazing trip": a send-off, with no booking or day in it
    return Confirmed(owner_voice_text(said, owner), upcoming=True)


def _reminder_set(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    rest = m.group("rest").strip()
    colon = rest.startswith((":", "-"))  # "Reminder set: pay rent on the 1st"
    rest = rest.strip(" :-")
    if not rest:
        return None
    return Confirmed(owner_voice_text(f"{owner} has a reminder{':' if colon else ''} {rest}", owner), upcoming=True)


def _headed(m: re.Match[str], owner: str, asked: str) -> Confirmed | None:
    """"You're all set: a table for two at Kin Khao on Saturday" -> "User has a table ... booked ..."."""
    np = m.group("np")
    if _FINITE.search(np) or not (np[:1].isupper() or np[:1].isdigit() or _DETERMINER.match(np)):
        return None  # "Done, your massage has been cancelled", "Done - thanks!": read by the other rules
    verb = (m.group("verb") or m.group("all") or "booked").lower()
    verb = verb if verb in ("booked", "confirmed", "reserved", "scheduled", "ordered") else "booked"
    rest = ""
    split = _WHEN_OR_DETAIL.search(np)
    if split is not None:
        np, rest = np[: split.start()], np[split.start():]
    return Confirmed(owner_voice_text(f"{owner} has {object_phrase(common_first(np))} {verb}{rest}", owner),
                     upcoming=True)


_DETERMINER = re.compile(r"(?:a|an|your|two|three|four|five|six)\b", re.IGNORECASE)
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|should|can|'s|'re|'ll)\b", re.IGNORECASE)
_WHEN_OR_DETAIL = re.compile(
    r"[,;]|\s(?:on|this|next|tomorrow|tonight|today|from)\b|\s(?:at|for)\s\d|"
    r"\s(?:for\s)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
    re.IGNORECASE,
)


_Builder = Callable[[re.Match[str], str, str], "Confirmed | None"]

_RULES: tuple[Rule, ...] = (
    Rule("headed", verbose(r"""
        ^(?:you'?re\ all\ set|all\ set|you'?re\ booked|all\ (?P<all>booked|confirmed|reserved)|
           (?P<verb>booked|confirmed|reserved|scheduled|ordered|done))
        \s?[:,-]\s?(?:you\ have\ )?
        (?P<np>(?:a|an|your|two|three|four|five|six|\d{1,2}|[A-Z][\w'&-]*)\ .{3,200})$""", re.I), _headed,
        examples=("You're all set: a table for two at Kin Khao on Saturday at 8 pm.",
                  "Booked - two tickets for Hamilton on Friday at 7:30."),
        counter=("All set, enjoy!", "Done!")),
    Rule("done", verbose(r"""
        ^I(?P<perfect>'ve|\ have)?                             # "I've", "I have", "I"
        (?P<adverbs>(?:\ (?:just|now|already|also|successfully|gone\ ahead\ and|went\ ahead\ and)){0,3})
        \ (?P<verb>booked|re-?booked|reserved|scheduled|rescheduled|ordered|re-?ordered|placed|set\ up|set|
           added|put|created|made|arranged|confirmed|bought|purchased|rented|registered|signed\ you\ up|
           enrolled|renewed|moved|upgraded|switched|cancell?ed|paid\ for|paid|sent|emailed|texted|forwarded)\b
        (?P<rest>.*)$""", re.I), _done,
        examples=("I've booked a table for two at Nopa for Friday at 8 pm.", "I scheduled your haircut for noon.",
                  "I have added 'Team offsite' to your calendar for January 12."),
        counter=("I've been busy all week.", "I can book it if you like.")),
    Rule("will", verbose(r"""
        ^I(?:'ll|\ will)(?:\ (?:also|definitely|make\ sure\ to|be\ sure\ to|go\ ahead\ and|now)){0,2}
        \ (?P<verb>remind|ping|nudge|notify|alert|book|reserve|schedule|order|add|put|set\ up|text|message)\b
        (?P<rest>.*)$""", re.I), _will,
        examples=("I'll remind you to call your mom on Sunday.", "I will book a car for you from the airport."),
        counter=("I'll be here if you need me.", "I'd book it early.")),
    Rule("settled", verbose(r"""
        ^(?:(?P<det>your|the)\ )?(?P<thing>[^,;:]{1,80}?)
        (?:\ is|\ are|\ has\ been|\ have\ been|\ was|\ were|'s|'re)
        (?:\ (?:now|all|also|officially|successfully|been)){0,2}
        \ (?P<verb>(?:scheduled|booked|confirmed)\ to|booked|reserved|confirmed|scheduled|rescheduled|set\ up|
           set|placed|arranged|registered|moved|renewed|locked\ in|cancell?ed|(?:on|in)\ (?:your|the)\ calendar|
           added\ to\ (?:your|the)\ calendar)\b
        (?P<rest>.*)$""", re.I), _settled,
        examples=("Your table for two at Nopa is booked for Friday, December 4 at 8 pm.",
                  "The appointment with Dr. Lee has been moved to Thursday at 3.",
                  "Dinner at Lazy Bear is booked for Thursday the 10th at 6:30.",
                  "The plumber is scheduled to come on Wednesday between 9 and noon."),
        counter=("The restaurant is fully booked on Friday.", "Your table is not booked yet.")),
    Rule("on its way", verbose(r"""
        ^(?P<det>your|the)\ (?P<thing>[^,;:]{1,80}?)
        (?P<pred>\ (?:will|should|is\ expected\ to|is\ going\ to|is\ scheduled\ to|is\ due\ to|is\ set\ to|
              are\ expected\ to|are\ due\ to)
           \ (?:arrive|be\ delivered|be\ shipped|ship|be\ ready|be\ there|get\ there|depart|leave|land|start|begin|
              take\ off|be\ picked\ up)
         |\ (?:arrives|arrive|ships|shipped|has\ shipped|have\ shipped|was\ delivered|were\ delivered|
              has\ been\ delivered|has\ been\ shipped|has\ been\ dispatched|was\ dispatched|
              is\ out\ for\ delivery|are\ out\ for\ delivery|is\ on\ its\ way|are\ on\ their\ way|is\ arriving|
              are\ arriving|is\ due|are\ due|leaves|departs|lands|starts|begins|is\ ready\ for\ pickup)
         |'s\ (?:arriving|on\ its\ way|due))\b
        (?P<rest>.*)$""", re.I), _on_its_way,
        examples=("Your order of running shoes will arrive on the 20th.", "Your flight to Rome leaves at 9am.",
                  "The shoes you ordered are out for delivery."),
        counter=("The museum opens at 9.", "Your best bet is the 7:15 train.")),
    Rule("when", verbose(r"""
        ^(?P<det>your)\ (?P<thing>[^,;:]{1,80}?)\ (?:is|are|'s)(?:\ still|\ now|\ also){0,2}
        \ (?:on|at|for|tomorrow|today|tonight|this|next|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|
           march|april|may|june|july|august|september|october|november|december)\b.*$""", re.I), _when,
        examples=("Your dentist appointment is tomorrow at 10 am.", "Your flight is on Friday at 6:40 am."),
        counter=("Your best option is the bus.", "Your dog is lovely.")),
    Rule("you are", verbose(r"""
        ^you(?:'re|\ are)(?:\ (?:now|all|officially|also)){0,2}
        \ (?:booked(?:\ in)?|confirmed|registered|signed\ up|enrolled|scheduled|set|checked\ in|
           on\ the\ (?:list|waitlist|wait\ list|guest\ list))
        \ (?:for|at|on|in|with|to)\b.+$
        |^you(?:\ have|\ now\ have)\ (?:a|an|one|two|three|\d{1,2}|your)
        \ (?:[\w'-]+\ ){0,3}?""" + BOOKING_NOUNS + r"""s?\b.*$""", re.I), _you_are,
        examples=("You're booked in for a massage at Zen Spa tomorrow at 11.",
                  "You have a dentist appointment on Thursday at 10."),
        counter=("You're going to love Berlin.", "You have a great taste in books.")),
    Rule("reminder set", verbose(r"""
        ^(?:a\ )?(?:reminder|alarm)\ (?:is\ )?(?:set|created|added|scheduled)\b(?P<rest>.*)$""", re.I),
        _reminder_set,
        examples=("Reminder set for Sunday at 6 pm: call your mom.",), counter=("Reminders help a lot.",)),
)

register("confirmations", lambda: iter(_RULES))


def confirmation(text: str, owner: str, *, asked: str = "") -> Confirmed | None:
    """The sentence as a confirmation about ``owner``, or None (not one, or hedged); ``asked`` is the
    user's last message, for what "it" stands for.

    Example::

        >>> confirmation("I'll remind you to call your mom on Sunday.", "User").content
        'User has a reminder to call their mom on Sunday'
        >>> confirmation("I can book it for you if you like.", "User") is None
        True
    """
    stripped = strip_acknowledgement(text)[0]
    if not any(rule.pattern.match(text) or rule.pattern.match(stripped) for rule in _RULES):
        return None  # most sentences: no rule's opening matches, so no need to look for hedges
    text = cleaned(text)
    if not text or text.endswith("?") or _PLACEHOLDER.search(text):
        return None  # a question, or a template ("on [Date] at [Location]")
    stripped = strip_acknowledgement(text)[0]
    for n, rule in enumerate(_RULES):  # the header rule reads "Done: ...", the others the sentence after it
        for candidate in (text,) if n == 0 or stripped == text else (stripped, text):
            m = rule.pattern.match(candidate)
            builder: _Builder = rule.action
            if m is not None and (found := builder(m, owner, asked)) is not None:
                return found
    return None


def rules() -> Iterator[Rule]:
    """The confirmation rules (for the rule-example test)."""
    return iter(_RULES)
