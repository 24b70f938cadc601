"""Where the assistant's confirmations meet chatter stripping: a discourse label that says what was done
("Reminder set:", "All booked:") is read by the confirmation rules, one that only frames ("Quick update:")
is not needed by them; a reply's "it" is the recommendation even at the end of a short sentence."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import pytest

from recallr.language.extraction import Turn, extract
from recallr.language.extraction.chatter import strip_chatter

_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def _contents(*messages: tuple[Literal["user", "assistant"], str]) -> list[str]:
    turns = [Turn(index=i, role=role, content=text, at=_AT) for i, (role, text) in enumerate(messages)]
    return [c.content for c in extract(turns, ())]


@pytest.mark.parametrize(
    ("asked", "said", "holds"),
    [
        pytest.param("Remind me about the vet.", "Reminder created: take Rex to the vet on Monday at 10 am.",
                     ("reminder", "take Rex to the vet", "7 December 2026"), id="reminder-label"),
        pytest.param("Sort out rent for me?", "Reminder set: pay the rent on the 3rd at 9 am.",
                     ("reminder", "pay the rent", "3 December 2026"), id="reminder-set-label"),
        pytest.param("Train tickets please.", "Booked: two seats on the 8:05 to Leeds on Thursday.",
                     ("booked", "8:05 to Leeds", "3 December 2026"), id="booked-label"),
        pytest.param("A room in Lisbon for the conference?", "All booked: Hotel Avenida, Dec 8-10, twin room.",
                     ("Hotel Avenida", "8 December 2026", "10 December 2026"), id="all-booked-range"),
        pytest.param("Can you sort the flights?", "Quick update: your flight to Lisbon is booked for Saturday at 6 am.",
                     ("flight to Lisbon", "5 December 2026"), id="framing-label"),
    ],
)
def test_labelled_confirmation_is_the_users_plan(asked: str, said: str, holds: tuple[str, ...]) -> None:
    contents = _contents(("user", asked), ("assistant", said))
    assert any(c.startswith("User ") and all(h in c for h in holds) for c in contents), contents
    assert not any(c.startswith("Assistant told the user") for c in contents), contents


@pytest.mark.parametrize(
    ("recommended", "reply", "holds"),
    [
        pytest.param("You should see 'Wicked' at the Castro Theatre.", "Great idea, I just booked tickets for it.",
                     ("booked tickets for", "'Wicked'"), id="booked-it"),
        pytest.param("I'd recommend 'Circe' by Madeline Miller.", "Sounds lovely, I'll borrow it.",
                     ("will borrow", "'Circe'"), id="will-borrow-it"),
        pytest.param("How about 'Hardcore History' by Dan Carlin?", "Good idea, I just downloaded it!",
                     ("downloaded", "'Hardcore History'"), id="downloaded-it"),
    ],
)
def test_reply_ending_on_it_names_the_recommendation(recommended: str, reply: str, holds: tuple[str, ...]) -> None:
    contents = _contents(("user", "Any ideas?"), ("assistant", recommended), ("user", reply))
    assert any(c.startswith("User ") and all(h in c for h in holds) for c in contents), contents


def test_labels_kept_only_on_request() -> None:
    assert strip_chatter("Reminder set: pay rent.") == "pay rent."
    assert strip_chatter("Reminder set: pay rent.", labels=False) == "Reminder set: pay rent."
