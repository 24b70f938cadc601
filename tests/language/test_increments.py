"""Counts raised by additions (``language/extraction/increments.py``): what adds, what it raises, and what not."""

from __future__ import annotations

import time

import pytest

from recallr.language.extraction.increments import increment, raised


@pytest.mark.parametrize(("count", "addition", "expected"), [
    ("User has 37 coins in their collection.", "User just added a new coin to their collection - a Barber quarter.",
     "User has 38 coins in their collection."),
    ("User owns 40 vinyl records.", "User picked up three more records at the flea market.",
     "User owns 43 vinyl records."),
    ("User has 12 houseplants.", "On 7 November 2026, User bought two more plants, a fern and a pothos.",
     "User has 14 houseplants."),
    ("User has run 6 marathons so far.", "User ran another marathon on Sunday.", "User has run 7 marathons so far."),
    ("Maria has 3 grandchildren.", "Maria welcomed ... ", None),
    ("User has a total of 212 stamps.", "User added 5 new stamps to the album.", "User has a total of 217 stamps."),
    ("In 2026, User has read 14 books.", "User finished another book, Piranesi.", "In 2026, User has read 15 books."),
])
def test_an_addition_raises_the_count(count: str, addition: str, expected: str | None) -> None:
    added = increment(addition)
    assert (raised(count, added) if added else None) == expected


@pytest.mark.parametrize(("count", "addition"), [
    ("User has 2 phones.", "User got a new phone."),  # a new one replaces
    ("User read 3 books last week.", "User finished another book."),  # a past event's count
    ("User has read 20 books.", "User bought another book."),  # owned is not read
    ("User has 2 dogs.", "Sam got another dog."),  # someone else's
    ("User has 2 dogs.", "User got another cat."),  # another thing
    ("User has 3 kids.", "User has another question."),  # not an addition
    ("Sam has 2 dogs.", "User got another dog."),
])
def test_look_alikes_raise_nothing(count: str, addition: str) -> None:
    added = increment(addition)
    assert added is None or raised(count, added) is None


def test_adversarial_input_stays_linear() -> None:
    """100,000 characters of worst cases through both functions, well within the bound."""
    for text in ("a" * 100_000, "User " * 20_000, "User just " * 10_000, "User bought another " * 5_000,
                 "1 " * 50_000, "User has 3 " * 9_000, "," * 100_000, "User added a new " + "to my " * 16_000):
        start = time.perf_counter()
        added = increment(text)
        raised(text, added or increment("User bought another book.") or pytest.fail("no increment"))
        assert time.perf_counter() - start < 5.0, text[:20]


def test_dislocation_stays_linear() -> None:
    from recallr.language.extraction.asked import reported_question
    from recallr.language.extraction.dislocation import undislocated

    for text in ("It's " * 20_000, "a, " * 33_000, "How do I " * 11_000, "my " * 33_000 + "?", "," * 100_000,
                 "It's a " + "b " * 50_000 + ", my sister."):
        start = time.perf_counter()
        undislocated(text)
        reported_question(text, "User")
        assert time.perf_counter() - start < 5.0, text[:20]
