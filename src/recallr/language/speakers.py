"""Speaker labels: "Name: text" at the start of a message.

Two readings of one convention. ``split_speaker`` is formation's: strict about what counts as a name
(not "Note:", not "Step:"), and drops role labels ("User:"). ``strip_label`` is recall's: any one
capitalised word of up to 40 characters, because a query only needs the words after it.

Both are linear in the text: one anchored match with bounded repetition, or one ``partition``.

    >>> split_speaker("Caroline: I went to a support group.")
    ('Caroline', 'I went to a support group.')
    >>> split_speaker("Note: buy milk")
    (None, 'Note: buy milk')
"""

from __future__ import annotations

import re

from .lexicon import word_set

__all__ = ["split_speaker", "strip_label"]

_SPEAKER = re.compile(r"^\s*([A-Z][\w'.-]{0,30}(?: [A-Z][\w'.-]{0,30}){0,2}):\s+(?=\S)")
_NOT_SPEAKER = word_set(
    """note notes update edit question answer summary tip tips warning caution important example step option pros
    cons ps p.s re fyi q a title subject ingredients instructions sure okay ok yes no hint reminder disclaimer
    conclusion result results output input error me i todo to-do goal goals problem solution context background task
    source sources reference references quote translation definition time date location address day name age email
    phone dear hi hello hey tl;dr tldr requirements objective description prompt response features price cost total
    venue duration budget deadline status author genre rating format method directions agenda topic purpose
    feedback comment comments bonus edit2 system"""
)


_ROLE_LABELS = frozenset({"user", "assistant", "ai", "bot", "chatbot"})


def split_speaker(content: str) -> tuple[str | None, str]:
    """ "Caroline: I went ..." -> ("Caroline", "I went ..."); (None, content) without a speaker label."""
    m = _SPEAKER.match(content)
    if not m or m.group(1).lower() in _NOT_SPEAKER or m.group(1).split()[0].lower() in _NOT_SPEAKER:
        return None, content
    if m.group(1).lower() in _ROLE_LABELS:
        return None, content[m.end() :]  # "User: ..." / "Assistant: ...": the role already says who speaks
    return m.group(1), content[m.end() :]


def strip_label(text: str) -> str:
    """The text after a one-word "Name: " label (recall's looser reading, for queries).

        >>> strip_label("Caroline: where do I live?")
        'where do I live?'
    """
    head, sep, rest = text.partition(": ")
    return rest if sep and len(head) <= 40 and head[:1].isupper() and " " not in head.strip() else text
