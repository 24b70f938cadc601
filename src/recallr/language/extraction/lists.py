"""The assistant's lists: one statement naming a list's items ("Assistant recommended restaurants in Lyon: Le
Bouchon; Café Comptoir."), as many whole items as fit in a memory, each cut to its head.

Linear: one pass over the message's segments; anchored, bounded patterns on each item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..hygiene import OPEN_ENDINGS
from .person import Voice, to_third_person
from .text import Segment, content_words, looks_like_prose

__all__ = ["MAX_LIST_ITEMS", "list_statement", "lists", "usable"]

MAX_LIST_ITEMS = 12
_LIST_CHARS = 360  # statements are cut at 400 characters (text.finish): the list stops whole before that
_HEAD = re.compile(r"^(?P<head>[^:]{2,70}?)\s*(?::|\s-\s)")
_HERE_ARE = re.compile(r"^(?:here (?:are|is)|these are|below are|some|a few)\s+(?:some |a few |the )?", re.I)


def _item_head(text: str) -> str:
    m = _HEAD.match(text)
    head = m.group("head") if m else text
    words = head.strip(" .").split()
    if len(words) <= 10:
        return " ".join(words)
    words = words[:10]
    while len(words) > 1 and words[-1].lower().strip(",;:") in OPEN_ENDINGS:
        words.pop()  # "... before you leave to…" would read as a broken clause once the "…" is tidied away
    return " ".join(words).rstrip(",;:") + "…"


def list_statement(header: str, heads: list[str], voice: Voice, recommending: bool) -> str:
    """One statement naming the list's items, as many as fit whole in a memory ("... and 3 more")."""
    topic = _HERE_ARE.sub("", " ".join(header.rstrip(":").split()[-14:]))  # the words nearest the list
    if topic and content_words(topic):
        rewritten = to_third_person(topic, voice)
        topic = " " + (rewritten[:1].lower() + rewritten[1:] if topic[:1].islower() else rewritten)
    else:
        topic = ""
    verb = "recommended" if recommending else "listed"
    opening = f"Assistant {verb}{topic}: "
    shown: list[str] = []
    for head in heads[:MAX_LIST_ITEMS]:
        if shown and len(opening) + sum(len(h) + 2 for h in [*shown, head]) > _LIST_CHARS:
            break  # a statement cut mid-item reads as a broken clause
        shown.append(head)
    more = f" and {len(heads) - len(shown)} more" if len(heads) > len(shown) else ""
    return f"{opening}{'; '.join(shown)}{more}"


def _is_heading(text: str) -> bool:
    """A short title line ("Other Classics", "Day 2"): structure, not a statement."""
    if len(text) > 60 or text.endswith((".", "!", "?")):
        return False
    words = text.split()
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words)
    return len(words) <= 5 and capitalised * 2 >= len(words)


def usable(segment: Segment, drops: Callable[[str], bool]) -> bool:
    text = segment.text
    return looks_like_prose(text) and (segment.header or segment.list_item or not _is_heading(text)) \
        and not drops(text)


def lists(segments: list[Segment]) -> Iterator[tuple[int, str, str, list[str]]]:
    """One (line, source, header, item heads) per run of list items, with the header line before it."""
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
            yield segments[start].line, source, header, [_item_head(t) for t in items]
