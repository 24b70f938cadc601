"""Source excerpts (``recallr.language.excerpts``): the part of a message that a memory formed from it left out."""

from __future__ import annotations

import time

import pytest

from recallr.language.excerpts import MAX_EXCERPT_WORDS, content_stems, excerpt


@pytest.mark.parametrize(("memory", "source", "shown"), [
    pytest.param("Priya is not giving up.", "Priya: Thanks! I won't quit the choir, I'm practising every night.",
                 "quit the choir", id="the-object-the-memory-dropped"),
    pytest.param("Tom adopted a dog.", "Tom: We adopted a dog last week, a three-legged greyhound called Biscuit.",
                 "greyhound called Biscuit", id="name-and-breed"),
    pytest.param("Ana went to a concert.", "Ana: Went to a concert. It was the Lisbon Philharmonic playing Mahler.",
                 "Lisbon Philharmonic playing Mahler", id="next-sentence-when-the-first-adds-nothing"),
    pytest.param("Sam started a new job.", "Sam started a new job as a welder because the pay is better.",
                 "welder because the pay is better", id="no-speaker-label"),
])
def test_the_detail_the_memory_lacks_is_kept(memory: str, source: str, shown: str) -> None:
    assert shown in excerpt(memory, source)


@pytest.mark.parametrize(("memory", "source"), [
    pytest.param("Lee went to a support group.", "Lee: I went to a support group yesterday.", id="same-words"),
    pytest.param("Lee paints sunsets.", "Lee: Wow, thanks! I painted sunsets!", id="inflections-and-filler"),
    pytest.param("Lee likes tea.", "", id="empty-source"),
])
def test_nothing_new_gives_no_excerpt(memory: str, source: str) -> None:
    assert excerpt(memory, source) == ""


def test_words_already_shown_elsewhere_are_not_new() -> None:
    source = "Mia: I bought a kayak at the harbour shop."
    assert excerpt("Mia bought a boat.", source) != ""
    assert excerpt("Mia bought a boat.", source, known=content_stems("A kayak from the harbour shop.")) == ""


def test_a_long_sentence_is_cut_around_what_is_new() -> None:
    filler = " ".join(["very long rambling story about nothing much"] * 10)
    source = f"Kim: {filler} and then I finally booked the flight to Reykjavik for the aurora tour {filler}."
    text = excerpt("Kim booked a flight.", source)
    assert "Reykjavik" in text and "aurora" in text
    assert len(text.split()) <= MAX_EXCERPT_WORDS and text.startswith("…") and text.endswith("…")


def test_the_sentence_sharing_most_with_the_memory_is_chosen() -> None:
    source = "Raj: My cousin lives in Pune and runs a bakery. I run marathons in Berlin every autumn."
    assert "Berlin every autumn" in excerpt("Raj runs marathons.", source)
    assert "Pune" in excerpt("Raj's cousin runs a bakery.", source)


def test_stems_ignore_stopwords_and_inflection() -> None:
    assert content_stems("She loved painting the lakes.") == content_stems("loves paint lake")
    assert content_stems("I am at it, with them.") == set()


def test_adversarial_input_stays_linear() -> None:
    started = time.perf_counter()
    for source in ("a" * 200_000, "word " * 40_000, "." * 100_000, "[" * 50_000 + "x", "’s " * 30_000):
        excerpt("Someone said something.", source)
    assert time.perf_counter() - started < 2.0
