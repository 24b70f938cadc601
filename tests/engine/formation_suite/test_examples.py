"""Seed cases of the realistic formation suite (issue 13), one per kind the issue names."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .harness import Case, bot, case, check, fact, params, run_case, session

CASES = [
    case("correction-in-session", "correction",
         session("I'm based in Porto.", bot("Nice, Porto is lovely."), "Sorry, I meant Braga."),
         expect=[fact("braga")], absent=["porto", "sorry", "meant"]),
    case("yearly-birthday", "family",
         session("My sister's birthday is on 3 March.", bot("Noted!"), "I want to get her a gift."),
         expect=[fact("sister's birthday", "3 march", yearly=True), fact("gift", "sister")]),
    case("fact-in-question", "health",
         session("Given that I'm pregnant, is sushi OK?", bot("Raw fish is best avoided during pregnancy.")),
         expect=[fact("pregnant")]),
    case("ended-state", "update",
         session("I play bass in a band called The Owls."),
         session("I stopped playing in the band last month."),
         expect=[fact("stopped playing", previous=["bass"])], absent=[("plays", "bass")]),
    case("assistant-booking", "assistant",
         session("Can you book a table at Nopa for Friday at 8?",
                 bot("Done: your table for two at Nopa is booked for Friday, December 4 at 8 pm.")),
         expect=[fact("nopa", "booked", on=date(2026, 12, 4))]),
    case("said-twice", "repeat",
         session("I'm allergic to peanuts.", bot("Got it."),
                 "Again, just so the assistant remembers: I'm allergic to peanuts."),
         expect=[fact("allergic to peanuts")], max_memories=1),
    case("colon-not-a-speaker", "assistant",
         session("Can you recommend a sci-fi book?", bot("Noted: I'll suggest 'Dune' next time."), "Sounds good."),
         absent=[("noted", "recommends")]),
    case("filler-opener", "health",
         session("Quick thing first: I'm allergic to peanuts."),
         expect=[fact("allergic to peanuts", category="allergies")]),
    case("custom-category-by-meaning", "category",
         session("I'm retiling the bathroom floor myself this weekend."),
         categories=[("home_projects", "Repairs, renovations and DIY work on the user's house or flat.")],
         expect=[fact("retiling the bathroom floor", category="home_projects")]),
]


@pytest.mark.parametrize("c", params([c for c in CASES if not c.categories]))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)


@pytest.mark.parametrize("c", params([c for c in CASES if c.categories]))
def test_case_with_categories(own_client: Any, c: Case) -> None:
    check(run_case(own_client, c), c)
