"""Speaker labels: "Name: text" at the start of a message.

Two readings of one convention. ``split_speaker`` is formation's: strict about what counts as a name
(not "Note:", not "Step:"), and drops role labels ("User:"). ``strip_label`` is recall's: any one
capitalised word of up to 40 characters, because a query only needs the words after it.

``label_speakers`` decides, for a whole conversation, which labels are its participants: a label is a
speaker only when it names someone taking part (it labels several messages, the conversation is a
transcript of several labelled voices, or it is a name given from outside), never a discourse label
("Noted:", "Update:", "Quick thing first:", "P.S.:").

All of it is linear in the text: one anchored match with bounded repetition, or one ``partition``.

    >>> split_speaker("Caroline: I went to a support group.")
    ('Caroline', 'I went to a support group.')
    >>> split_speaker("Note: buy milk")
    (None, 'Note: buy milk')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .lexicon import word_set

__all__ = ["DISCOURSE_WORDS", "label_speakers", "split_speaker", "strip_label"]

_SPEAKER = re.compile(r"^\s*([A-Z][\w'.-]{0,30}(?: [A-Z][\w'.-]{0,30}){0,2}):\s+(?=\S)")
_NOT_SPEAKER = word_set(
    """note notes update edit question answer summary tip tips warning caution important example step option pros
    cons ps p.s re fyi q a title subject ingredients instructions sure okay ok yes no hint reminder disclaimer
    conclusion result results output input error me i todo to-do goal goals problem solution context background task
    source sources reference references quote translation definition time date location address day name age email
    phone dear hi hello hey tl;dr tldr requirements objective description prompt response features price cost total
    venue duration budget deadline status author genre rating format method directions agenda topic purpose
    feedback comment comments bonus edit2 system noted done confirmed booked correction addendum confession spoiler
    news heads fun quick side random psa nb"""
)
#: Words a label made only for framing is built from ("Quick thing first:", "Fun fact:", "P.S.:", "Noted:").
DISCOURSE_WORDS = word_set(
    """quick quickly thing things first note notes side update updates reminder reminders fyi ps p.s btw fun fact
    facts heads up also one more just so you know again oh and by the way small little correction edit edited
    important info context background fwiw question random another last final before i forget while remember real
    talk confession spoiler plot twist news big good bad personal minor tiny brief disclaimer anyway okay ok alright
    well wow hey hi hello sure noted got it understood great perfect yes no yeah sorry thanks thank plus finally
    lastly firstly secondly bonus tip pro aside as an a for the record reference what else self to addendum
    afterthought sidenote nb n.b follow followup detail details point clarification psa tl;dr tldr summary recap
    done confirmed booked all set life on my end side status change changes announcement development milestone
    exciting sad happy huge some new update:"""
)
_ROLE_LABELS = frozenset({"user", "assistant", "ai", "bot", "chatbot"})


def split_speaker(content: str) -> tuple[str | None, str]:
    """ "Caroline: I went ..." -> ("Caroline", "I went ..."); (None, content) without a speaker label."""
    m = _SPEAKER.match(content)
    if not m or m.group(1).lower() in _NOT_SPEAKER or m.group(1).split()[0].lower() in _NOT_SPEAKER:
        return None, content
    if m.group(1).lower() in _ROLE_LABELS:
        return None, content[m.end() :]  # "User: ..." / "Assistant: ...": the role already says who speaks
    if all(w.lower().strip(".") in DISCOURSE_WORDS for w in m.group(1).split()):
        return None, content
    return m.group(1), content[m.end() :]


_TALKING = re.compile(
    r"^(?:I|I'm|I've|I'd|I'll|my|My|we|We|we're|our|Our|hey|Hey|hi|Hi|hello|Hello|yes|Yes|yeah|Yeah|no|No|oh|Oh|"
    r"thanks|Thanks|wow|Wow|haha|Haha|lol|ok|OK|Okay|okay|sure|Sure)\b"
)


def label_speakers(messages: Sequence[tuple[str, str]], known: Iterable[str] = ()) -> list[tuple[str | None, str]]:
    """Each ``(role, content)`` message's speaker (None when the role speaks) and the text after the label.

    A label is a participant when it is a ``known`` name, labels two messages or more, shares the
    conversation with another label (a transcript of several voices), or, in a conversation whose every
    user message is labelled, labels a user message that talks ("Caroline: I went ..."). A label that is
    no participant stays part of the text ("Noted: I'll suggest 'Dune'" is the assistant talking).

    Example::

        >>> label_speakers([("user", "Any sci-fi?"), ("assistant", "Noted: I'll suggest 'Dune' next time.")])
        [(None, 'Any sci-fi?'), (None, "Noted: I'll suggest 'Dune' next time.")]
        >>> label_speakers([("user", "Jon: I lost my job."), ("user", "Gina: Oh no!"), ("user", "Jon: Yeah.")])
        [('Jon', 'I lost my job.'), ('Gina', 'Oh no!'), ('Jon', 'Yeah.')]
    """
    split = [(role, content, *split_speaker(content)) for role, content in messages]
    counts = Counter(name for _, _, name, _ in split if name)
    names = {n.lower() for n in known}
    transcript = len(counts) >= 2
    user_turns = [name for role, _, name, _ in split if role == "user"]
    all_labelled = bool(user_turns) and all(user_turns)

    def speaks(role: str, name: str, body: str) -> bool:
        if name.lower() in names or counts[name] > 1 or transcript:
            return True
        return role == "user" and all_labelled and bool(_TALKING.match(body))

    out: list[tuple[str | None, str]] = []
    for role, content, name, body in split:
        if name is None:
            out.append((None, body))  # a role label is already stripped from body
        elif speaks(role, name, body):
            out.append((name, body))
        else:
            out.append((None, content))
    return out


def strip_label(text: str) -> str:
    """The text after a one-word "Name: " label (recall's looser reading, for queries).

        >>> strip_label("Caroline: where do I live?")
        'where do I live?'
    """
    head, sep, rest = text.partition(": ")
    return rest if sep and len(head) <= 40 and head[:1].isupper() and " " not in head.strip() else text
