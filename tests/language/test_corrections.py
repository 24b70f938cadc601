"""Corrections, repeats and ended states as pure text (``language/extraction``: corrections, repeats, endings)."""

from __future__ import annotations

import time

import pytest

from recallr.language.categories import DEFAULT_CATEGORIES
from recallr.language.extraction import Turn, extract
from recallr.language.extraction.ended_text import ended_statement
from recallr.language.extraction.endings import ended_by, find_ending
from recallr.language.extraction.parse_corrections import find_correction
from recallr.language.extraction.repeats import restatement_key


@pytest.mark.parametrize(("text", "new", "old"), [
    ("Sorry, I meant Braga.", "Braga", None),
    ("Oops, not Tuesday but Wednesday.", "Wednesday", "Tuesday"),
    ("sorry, it's Lisa, not Lis", "Lisa", "Lis"),
    ("Actually, make that 8 pm.", "8 pm", None),
    ("Wait, no, the 14th.", "the 14th", None),
    ("Hmm, actually blue.", "blue", None),
    ("I mean, it's in Shoreditch actually.", "in Shoreditch", None),
    ("Whoops - Hannah, not Anna.", "Hannah", "Anna"),
    ("My bad, I should have said Dallas.", "Dallas", None),
])
def test_a_value_correction_is_read(text: str, new: str, old: str | None) -> None:
    found = find_correction(text)
    assert found is not None and found[0] == 0
    assert (found[1].new, found[1].old, found[1].clause) == (new, old, None)


def test_a_clause_correction_is_read() -> None:
    found = find_correction("Wait, I got that wrong: I have three kids, not two.")
    assert found is not None
    assert (found[1].new, found[1].old, found[1].clause) == ("three", "two", "I have three kids, not two")


def test_a_trailing_correction_is_read_where_it_starts() -> None:
    text = "My flight is on the 12th - actually the 14th."
    found = find_correction(text)
    assert found is not None and text[found[0]:].startswith("actually") and found[1].new == "the 14th"


@pytest.mark.parametrize("text", [
    "I stopped by the bakery.", "Sorry for the late reply!", "No worries, I'll handle it.", "Sorry, Tom.",
    "I meant to call my mom yesterday.", "Actually, I love it here.", "No, thanks.", "Actually, Tuesday works better.",
    "It's Lisa.", "Oh, Paris!", "I mean it.",
])
def test_look_alikes_are_not_corrections(text: str) -> None:
    found = find_correction(text)
    assert found is None or found[1].clause is not None  # a clause corrects only a statement it shares words with


def _contents(*messages: str) -> list[str]:
    turns = [Turn(n, "assistant" if m.startswith("A: ") else "user", m.removeprefix("A: "))
             for n, m in enumerate(messages)]
    return [c.content for c in extract(turns, DEFAULT_CATEGORIES)]


@pytest.mark.parametrize(("messages", "expected"), [
    (("I'm based in Porto.", "A: Porto is lovely.", "Sorry, I meant Braga."), ["User is based in Braga."]),
    (("My flight is on the 12th - actually the 14th.",), ["User's flight is on the 14th."]),
    (("I have two kids.", "A: Nice!", "Wait, I got that wrong: I have three kids, not two."), ["User has three kids."]),
    (("I live in Porto and I have a dog named Bolt.", "A: Nice.", "Sorry, I meant Braga."),
     ["User lives in Braga.", "User has a dog named Bolt."]),
    (("I bought a blue bike yesterday.", "A: Enjoy!", "Oops, I meant a red bike."),
     ["User bought a red bike yesterday."]),
    (("My sister lives in London.", "A: Nice.", "I'm going to Paris, not London."),
     ["User's sister lives in London.", "User is going to Paris, not London."]),
    (("I'm allergic to peanuts.", "A: Got it.", "Again, just so you remember: I'm allergic to peanuts."),
     ["User is allergic to peanuts."]),
])
def test_the_session_pass(messages: tuple[str, ...], expected: list[str]) -> None:
    assert _contents(*messages) == expected


def test_a_correction_has_both_messages_as_sources() -> None:
    turns = [Turn(0, "user", "I'm based in Porto."), Turn(1, "assistant", "Nice."),
             Turn(2, "user", "Sorry, I meant Braga.")]
    [candidate] = extract(turns, DEFAULT_CATEGORIES)
    assert (candidate.sources, candidate.value, candidate.source_text) == ((0, 2), "Braga", "I'm based in Braga.")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("As User said, User is lactose intolerant.", "User is lactose intolerant.", True),
    ("User really hates flying.", "User hates flying.", True),
    ("User lives in Rome again.", "User lives in Rome.", False),
    ("User has two cats.", "User has three cats.", False),
    ("User's sister lives in Paris.", "User lives in Paris.", False),
    ("User doesn't eat meat.", "User eats meat.", False),
])
def test_restatements(a: str, b: str, same: bool) -> None:
    assert (restatement_key(a) == restatement_key(b)) is same


@pytest.mark.parametrize(("new", "old", "ends"), [
    ("User quit their job at Deloitte.", "User works at Deloitte as an auditor.", True),
    ("User and family sold the boat.", "User and family have a sailboat called Marlin.", True),
    ("User moved out of Leeds.", "User lives in Leeds.", True),
    ("User doesn't drink coffee anymore.", "User drinks three cups of coffee a day.", True),
    ("User is not into running these days.", "User is really into running.", True),
    ("User broke up with Sam.", "User is dating Sam.", True),
    ("User cancelled their PureGym membership.", "User has a gym membership at PureGym.", True),
    ("User stopped running after a knee injury.", "User runs every morning.", True),
    ("User stopped running.", "User runs a small bakery.", False),
    ("User left Chicago for a week of vacation.", "User lives in Chicago.", False),
    ("User sold their old sofa.", "User has a new sofa.", False),
    ("User left Google.", "User's brother works at Google.", False),
    ("User doesn't eat meat.", "User eats meat every day.", False),  # no end marker: a contradiction, not an end
])
def test_what_an_ending_ends(new: str, old: str, ends: bool) -> None:
    ending = find_ending(new, "User")
    assert (ending is not None and ended_by(ending, old, "User") > 0) is ends


@pytest.mark.parametrize(("new", "old", "worded"), [
    ("User stopped playing in the band.", "User plays bass in a band called The Owls.",
     "User stopped playing bass in a band called The Owls."),
    ("User and family sold the boat.", "User and family have a boat called Marlin.",
     "User and family sold the boat called Marlin."),
    ("User quit their job.", "User works at Acme as a designer.", "User quit their job at Acme."),
    ("User and friends broke up.", "User is dating Sam.", "User and Sam broke up."),
    ("User quits their job at Acme.", "User works at Acme.", "User quit their job at Acme."),
    ("User stopped playing in the band at church.", "User plays bass in a band called The Owls.",
     "User stopped playing in the band at church."),  # says more than the old fact: its own words
])
def test_an_ended_state_keeps_the_detail(new: str, old: str, worded: str) -> None:
    ending = find_ending(new, "User")
    assert ending is not None and ended_statement(new, ending, old, "User") == worded


def test_corrections_are_bounded_on_adversarial_text() -> None:
    for unit in ("Sorry, I meant Braga. I live in Porto. ", "Not Tuesday but Wednesday, sorry. ",
                 "I live in Porto, sorry, I meant Braga, no wait, Faro. ", "sorry, not, "):
        text = (unit * (100_000 // len(unit) + 1))[:100_000]
        start = time.perf_counter()
        extract([Turn(0, "user", text), Turn(1, "user", text)], DEFAULT_CATEGORIES)
        assert time.perf_counter() - start < 10, unit
