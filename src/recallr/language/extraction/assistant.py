"""What the assistant recommended or told the user, as "Assistant ..." statements.

Users come back with "what was that restaurant you suggested?", so the assistant's
recommendations are kept: explicit ones ("I'd recommend ...", "you should try ...", "how
about ...", imperatives naming something), and each list it gives, summarised as one
statement naming its items.  Other sentences are kept only when they carry something
specific (a name, a number).  Pleasantries, generic advice, code and tables are dropped,
and a long answer yields at most ``_MAX_PER_MESSAGE`` statements, recommendations first:
the raw messages stay searchable, memories hold what a user would come back for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .person import Voice, lower_first, to_third_person
from .text import (
    Segment,
    Statement,
    content_words,
    finish,
    is_filler,
    is_question,
    looks_like_prose,
    split_segments,
    strip_chatter,
)

__all__ = ["assistant_statements", "recommendation_context"]

_MAX_PER_MESSAGE = 8
_MAX_LIST_ITEMS = 12
_ASKS_FOR_IDEAS = re.compile(
    r"\b(?:recommend|recommendations?|suggest|suggestions?|ideas?|options?|tips|advice|where (?:can|should|to)|"
    r"what (?:should|can|to)|any (?:good|other)|looking for|best|which one|alternatives?|places to|things to)\b",
    re.IGNORECASE,
)
_OFFERS_IDEAS = re.compile(
    r"\b(?:I (?:would |'d )?(?:recommend|suggest)|here are|you (?:could|might|may|can) (?:try|consider|visit|check)|"
    r"options include|some (?:ideas|options|suggestions|recommendations))\b",
    re.IGNORECASE,
)
_PLEASANTRY = re.compile(
    r"^(?:I hope (?:this|that|these|it|you)|I'?m (?:happy|glad) to help|feel free|let me know|if you have any|"
    r"(?:that's a )?great question|I'?m sorry to hear|I understand|I'?d be happy to|happy to help|I'?ll be here|"
    r"I'?m here|enjoy|have fun|good luck|as an ai|I don'?t have personal|of course|certainly|absolutely|sure|"
    r"remember|note|keep in mind|please note|overall|in summary|in conclusion|ultimately|by following)",
    re.IGNORECASE,
)
_I_RECOMMEND = re.compile(
    r"\bI(?:'d| would)?(?: also| really| strongly| highly| definitely| personally)* (?P<verb>recommend|suggest|advise)"
    r"(?:s|ed)?(?: that)?(?P<rest>.+)$",
    re.IGNORECASE,
)
_YOU_SHOULD = re.compile(
    r"\byou (?:should|could|might|may|must|ought to|can)(?: also| definitely| really)?(?: want to| like to)? "
    r"(?:try|read|watch|visit|check out|consider|look into|enjoy|like|love|go|listen|book|order|explore|start|use|"
    r"pick|get|head|stop by|see)\b|\byou'?d (?:love|enjoy|like)\b",
    re.IGNORECASE,
)
_HOW_ABOUT = re.compile(
    r"^(?:how about|what about|why not(?: try)?|have you (?:tried|considered|thought about|checked out))\s+"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(?:try|visit|check out|consider|read|watch|listen to|go to|head to|grab|book|order|explore|stop by|pick up|"
    r"look (?:into|for)|take|bring|pack|avoid|start|use|make sure|keep|add|eat|drink|wear|plan|reserve|download|"
    r"join|sign up|don'?t miss|don'?t forget)\b",
    re.IGNORECASE,
)
# A name in running text (a capital after a lowercase word), a number or a quoted title.
_NAMED = re.compile(r"(?<=[a-z,] )[A-Z][\w'&-]+|\d|(?<![\w'])[\"'][A-Z]")

_TITLE_START = re.compile(r"^(?:\"|'|[A-Z])")
_MEDIA = (
    ("book", re.compile(r"\b(?:book|novel|read|author|memoir)\b", re.I)),
    ("film", re.compile(r"\b(?:movie|film|watch)\b", re.I)),
    ("podcast", re.compile(r"\bpodcast\b", re.I)),
    ("album", re.compile(r"\b(?:album|listen)\b", re.I)),
    ("restaurant", re.compile(r"\b(?:restaurant|eatery|dinner|lunch|brunch|cuisine)\b", re.I)),
)
_REST_STOP = re.compile(r"\s+-\s+.*$|;.*$|\s+because\b.*$")
_HEAD = re.compile(r"^(?P<head>[^:]{2,70}?)\s*(?::|\s-\s)")
_HERE_ARE = re.compile(r"^(?:here (?:are|is)|these are|below are|some|a few)\s+(?:some |a few |the )?", re.I)


def recommendation_context(user_text: str) -> bool:
    """True when the user's last message asked for recommendations, ideas or options."""
    return bool(_ASKS_FOR_IDEAS.search(user_text))


def _recommended(text: str, m: re.Match[str], voice: Voice) -> str | None:
    verb = {"recommend": "recommended", "suggest": "suggested", "advise": "advised"}[m.group("verb").lower()]
    rest = _REST_STOP.sub("", m.group("rest")).strip(" ,:.!")
    rest = re.sub(r"^you\s+", "", rest, flags=re.I) if verb != "advised" else rest
    if not rest or not content_words(rest):
        return None
    rest = to_third_person(rest, voice)
    rest = lower_first(rest)
    for kind, cue in _MEDIA:
        if cue.search(text) and _TITLE_START.match(rest) and kind not in rest.lower():
            rest = f"the {kind} {rest}"
            break
    to_user = " to the user" if verb == "recommended" and "," not in rest and len(rest.split()) <= 8 else ""
    return f"Assistant {verb} {rest}{to_user}"


def _suggestion(text: str, voice: Voice) -> str | None:
    """A "you should ..." or imperative sentence, kept when it names something."""
    if not _NAMED.search(text) and len(content_words(text)) < 3:
        return None
    if _IMPERATIVE.match(text):  # "Try X" -> "the user try X" (subjunctive, no agreement)
        if not _NAMED.search(text):
            return None  # generic advice ("Take breaks")
        action = to_third_person(text, voice)
        return f"Assistant suggested that {voice.listener} {action[:1].lower()}{action[1:]}"
    return f"Assistant suggested that {lower_first(to_third_person(text, voice))}"


def _sentence(text: str, voice: Voice) -> tuple[int, str] | None:
    """One assistant sentence as (priority, statement); recommendations come first."""
    how = _HOW_ABOUT.match(text)
    if how:
        rest = how.group("rest").rstrip("?")
        if not content_words(rest) or rest.lower().startswith(("you", "yourself")):
            return None
        return 0, f"Assistant suggested {lower_first(to_third_person(rest, voice))}"
    if is_question(text):
        return None
    rec = _I_RECOMMEND.search(text)
    if rec:
        content = _recommended(text, rec, voice)
        return (0, content) if content else None
    if _YOU_SHOULD.search(text) or _IMPERATIVE.match(text):
        content = _suggestion(text, voice)
        return (1, content) if content else None
    if not _NAMED.search(text) or len(content_words(text)) < 2:
        return None
    rewritten = to_third_person(text, voice)
    if rewritten.startswith("Assistant "):
        return 2, rewritten
    return 2, f"Assistant told the user that {lower_first(rewritten)}"


def _item_head(text: str) -> str:
    m = _HEAD.match(text)
    head = m.group("head") if m else text
    words = head.strip(" .").split()
    return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


def _list_statement(header: str, items: list[str], voice: Voice, recommending: bool) -> str:
    heads = [_item_head(i) for i in items[:_MAX_LIST_ITEMS]]
    more = f" and {len(items) - _MAX_LIST_ITEMS} more" if len(items) > _MAX_LIST_ITEMS else ""
    topic = _HERE_ARE.sub("", " ".join(header.rstrip(":").split()[-14:]))  # the words nearest the list
    if topic and content_words(topic):
        rewritten = to_third_person(topic, voice)
        topic = " " + (rewritten[:1].lower() + rewritten[1:] if topic[:1].islower() else rewritten)
    else:
        topic = ""
    verb = "recommended" if recommending else "listed"
    return f"Assistant {verb}{topic}: {'; '.join(heads)}{more}"


def _is_heading(text: str) -> bool:
    """A short title line ("Other Classics", "Day 2"): structure, not a statement."""
    if len(text) > 60 or text.endswith((".", "!", "?")):
        return False
    words = text.split()
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words)
    return len(words) <= 5 and capitalised * 2 >= len(words)


def _usable(segment: Segment, drops: Callable[[str], bool]) -> bool:
    text = segment.text
    return looks_like_prose(text) and (segment.header or not _is_heading(text)) and not drops(text)


def _lists(segments: list[Segment], voice: Voice, recommending: bool) -> Iterator[tuple[int, str, str]]:
    """One (line, source, statement) per run of list items, with the header line before it."""
    i = 0
    while i < len(segments):
        if not segments[i].list_item:
            i += 1
            continue
        start = i
        items = []
        depth = segments[i].indent
        while i < len(segments) and (segments[i].in_item or segments[i].header):
            if segments[i].list_item and segments[i].indent <= depth:  # nested items belong to their parent
                items.append(segments[i].text)
            i += 1
        header = segments[start - 1].text if start and segments[start - 1].header else ""
        if len(items) >= 2:
            source = " ".join(s.text for s in segments[max(0, start - 1) : i])
            yield segments[start].line, source, _list_statement(header, items, voice, recommending)


def assistant_statements(
    body: str,
    voice: Voice,
    *,
    drops: Callable[[str], bool],
    keeps: Callable[[str], bool],
    recommending: bool,
) -> Iterator[tuple[str, Statement]]:
    """The statements worth remembering in an assistant message, with their source sentences.

    Example::

        >>> v = Voice("Assistant", "Assistant and the user", "the user")
        >>> [s.content for _, s in assistant_statements("I'd recommend Le Petit Bistro. Enjoy!", v,
        ...     drops=lambda t: False, keeps=lambda t: False, recommending=False)]
        ['Assistant recommended Le Petit Bistro to the user.']
    """
    recommending = recommending or bool(_OFFERS_IDEAS.search(body))
    segments = [s for s in split_segments(body) if _usable(s, drops)]
    found: list[tuple[int, int, str, str]] = []  # (priority, order, source, statement)
    for line, source, content in _lists(segments, voice, recommending):
        found.append((0 if recommending else 1, line * 1000, source, content))
    for order, segment in enumerate(segments):
        if segment.header or segment.in_item:
            continue
        text = strip_chatter(segment.text)
        forced = keeps(segment.text)
        if not text or (not forced and (_PLEASANTRY.match(text) or is_filler(text))):
            continue
        result = _sentence(text, voice)
        if result is None and forced:
            result = (0, f"Assistant told the user: {to_third_person(text, voice)}")
        if result is not None:
            found.append((result[0], segment.line * 1000 + order, segment.text, result[1]))
    kept = sorted(found, key=lambda f: (f[0], f[1]))[:_MAX_PER_MESSAGE]
    for _, _, source, content in sorted(kept, key=lambda f: f[1]):
        yield source, Statement(finish(content))
