"""What the assistant recommended or told the user, as "Assistant ..." statements.

Users come back with "what was that restaurant you suggested?", so recommendations
(explicit, "you should ...", imperatives, "how about ...", list items in answer to a
request for ideas) and specific information (names, numbers, facts about the user) are
kept; pleasantries and generic advice without anything specific are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ._extraction_person import Voice, lower_first, to_third_person
from ._extraction_text import Statement, content_words, finish, is_filler, is_question, split_segments, strip_chatter

__all__ = ["assistant_statements", "recommendation_context"]

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
    r"^(?:I hope (?:this|that|these|it) helps?|I'?m (?:happy|glad) to help|feel free|let me know|if you have any|"
    r"(?:that's a )?great question|I'?m sorry to hear|I understand|I'?d be happy to|happy to help|"
    r"enjoy|have fun|good luck|I'?m here|as an ai|I don'?t have personal|of course|certainly|absolutely|sure)",
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
    r"^(?:how about|what about|why not(?: try)?|have you (?:tried|considered|thought about|checked out))\s+(?P<rest>.+)",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(?:try|visit|check out|consider|read|watch|listen to|go to|head to|grab|book|order|explore|stop by|pick up|"
    r"look (?:into|for)|take|bring|pack|avoid|start|use|make sure|keep|add|eat|drink|wear|plan|reserve|download|"
    r"join|sign up|don'?t miss|don'?t forget)\b",
    re.IGNORECASE,
)
_SPECIFIC = re.compile(r"(?<![\w'])(?:[A-Z][a-z]+|\d)|[\"']\w|\$|%|\byour\b|\byou(?:'re| are| have|'ve)\b")
_FIRST_WORD_I = re.compile(r"^I(?:'m|'ve|'ll|'d)?\b")
_TITLE_START = re.compile(r"^(?:\"|'|[A-Z])")
_MEDIA = (
    ("book", re.compile(r"\b(?:book|novel|read|author|memoir)\b", re.I)),
    ("film", re.compile(r"\b(?:movie|film|watch)\b", re.I)),
    ("podcast", re.compile(r"\bpodcast\b", re.I)),
    ("album", re.compile(r"\b(?:album|listen)\b", re.I)),
    ("restaurant", re.compile(r"\b(?:restaurant|bistro|eatery|dinner|lunch)\b", re.I)),
)
_REST_STOP = re.compile(r"\s+-\s+.*$|;.*$|\s+because\b.*$")


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
    rest = rest[:1].lower() + rest[1:] if not _TITLE_START.match(rest[:1]) or rest[:2] in ("A ", "An") else rest
    for kind, cue in _MEDIA:
        if cue.search(text) and _TITLE_START.match(rest) and kind not in rest.lower():
            rest = f"the {kind} {rest}"
            break
    to_user = " to the user" if verb == "recommended" and "," not in rest and len(rest.split()) <= 8 else ""
    return f"Assistant {verb} {rest}{to_user}"


def _assistant_sentence(text: str, voice: Voice, *, list_item: bool, recommending: bool) -> str | None:
    how = _HOW_ABOUT.match(text)
    if how:
        rest = how.group("rest").rstrip("?")
        if not content_words(rest) or rest.lower().startswith(("you", "yourself")):
            return None
        return f"Assistant suggested {lower_first(to_third_person(rest, voice))}"
    if is_question(text):
        return None
    rec = _I_RECOMMEND.search(text)
    if rec:
        return _recommended(text, rec, voice)
    if _YOU_SHOULD.search(text) or _IMPERATIVE.match(text):
        if len(content_words(text)) < 2 and not _SPECIFIC.search(text[1:]):
            return None
        if _IMPERATIVE.match(text):  # "Try X" -> "the user try X" (subjunctive, no agreement)
            action = to_third_person(text, voice)
            return f"Assistant suggested that {voice.listener} {action[:1].lower()}{action[1:]}"
        return f"Assistant suggested that {lower_first(to_third_person(text, voice))}"
    specific = bool(_SPECIFIC.search(text[1:])) and len(content_words(text)) >= 2
    if list_item and recommending and specific:
        return f"Assistant recommended {lower_first(to_third_person(text, voice))}"
    if not specific:
        return None
    rewritten = to_third_person(text, voice)
    if _FIRST_WORD_I.match(text):
        return rewritten
    if list_item:
        return f"Assistant mentioned {lower_first(rewritten)}"
    return f"Assistant told the user that {lower_first(rewritten)}"


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
    for segment in split_segments(body):
        raw = segment.text
        if segment.header or drops(raw):
            continue
        forced = keeps(raw)
        text = strip_chatter(raw) or (raw if forced else "")
        if not text or (not forced and (_PLEASANTRY.match(text) or is_filler(text))):
            continue
        content = _assistant_sentence(text, voice, list_item=segment.list_item, recommending=recommending)
        if content is None and forced:
            content = f"Assistant told the user: {to_third_person(text, voice)}"
        if content is not None:
            yield raw, Statement(finish(content))
