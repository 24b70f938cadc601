"""Cases written after the suite's first 270, from a new user's tries: a present-tense clause beside a dated one, a
plan for "this <holiday/season>" said after it has passed this year, runs of days the assistant booked, an
imperative suggestion the user accepts, verbs ending in "-ed" that are not past ("need", "feed"), and who said a
thing deciding the assistant's category, and short answers read with the assistant's question, a negated fact as the
next version of the positive one (and back), another pet counted, "quit" as a past.

Sessions start on Tuesday 1 December 2026 (the harness's ``T0``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .harness import Case, bot, case, check, fact, params, run_case, session

TUE = date(2026, 12, 1)

CASES = [
    case("present-clause-keeps-its-own-time", "dates",
         session("I gave up running a few weeks ago, my back hurts."),
         expect=[fact("back hurts", on=TUE), fact("gave up running", on=date(2026, 10, 26))]),
    case("present-clause-after-last-year", "dates",
         session("I moved to Denver last year, I work at a hospital there."),
         expect=[fact("moved to denver", on=date(2025, 1, 1), until=date(2025, 12, 31)),
                 fact("works at a hospital", on=TUE)]),
    case("past-clause-shares-the-time", "dates",
         session("Last summer I went to Portugal, and I visited Porto."),
         expect=[fact("visited porto", on=date(2026, 6, 1), until=date(2026, 8, 31))]),
    case("this-easter-plan-said-in-december", "dates",
         session("This Easter we're driving to my parents' farm in Kerry."),
         expect=[fact("driving to", "parents' farm in kerry", on=date(2027, 3, 28))]),
    case("this-summer-plan-said-in-december", "dates",
         session("This summer I'm walking the Camino with my brother."),
         expect=[fact("walking the camino", on=date(2027, 6, 1), until=date(2027, 8, 31))]),
    case("this-july-past-said-in-december", "dates",
         session("This July I ran my first marathon in Oslo."),
         expect=[fact("first marathon in oslo", on=date(2026, 7, 1), until=date(2026, 7, 31))]),
    case("hotel-run-of-days-booked", "assistant",
         session("Can you find me a hotel in Seville for my trip?",
                 bot("How about Hotel Amadeus in Santa Cruz? It's quiet and central."),
                 "Sounds great, please book it for the 9th to the 12th of April.",
                 bot("Done! Your room at Hotel Amadeus is booked from 9 to 12 April.")),
         expect=[fact("room at hotel amadeus", on=date(2027, 4, 9), until=date(2027, 4, 12))]),
    case("user-trip-run-of-days", "dates",
         session("We'll be in Vienna May 3-6 for my cousin's wedding."),
         expect=[fact("vienna", "cousin's wedding", on=date(2027, 5, 3), until=date(2027, 5, 6))]),
    case("past-run-of-days", "dates",
         session("We were in Crete from 14 to 21 September, it was lovely."),
         expect=[fact("crete", on=date(2026, 9, 14), until=date(2026, 9, 21))]),
    case("imperative-suggestion-accepted", "assistant",
         session("What could I bake for my nephew's birthday?",
                 bot("Try a lemon drizzle cake."),
                 "Good call, I'll bake that on Saturday."),
         expect=[fact("bake", "lemon drizzle cake", on=date(2026, 12, 5))]),
    case("imperative-suggestion-declined", "assistant",
         session("What could I cook for friends on Friday?", bot("Try a beef wellington."),
                 "I'll skip that, two of them are vegetarian."),
         expect=[fact("vegetarian")], absent=[("will", "cook", "wellington"), ("plans", "wellington")]),
    case("good-shout-accepts", "assistant",
         session("Any film for tonight?", bot("You might like 'Past Lives' on Netflix."),
                 "Good shout, I'll queue it up."),
         expect=[fact("will queue up", "past lives")], absent=["good shout"]),
    case("short-answer-to-when", "third parties",
         session("My best friend Priya is getting married!", bot("How wonderful! When's the wedding?"),
                 "Early May, in Jaipur. I'm one of the bridesmaids."),
         expect=[fact("wedding", "jaipur", on=date(2027, 5, 1), until=date(2027, 5, 10)),
                 fact("one of the bridesmaids")], absent=["user said, in"]),
    case("short-answer-to-where-do-you", "profile",
         session("I just changed jobs.", bot("Congrats! Where do you work now?"), "At a dental clinic in Leeds."),
         expect=[fact("works at a dental clinic in leeds")], absent=["user said at"]),
    case("short-answer-to-your-appointment", "health",
         session("I have to see the dermatologist.", bot("When is your appointment?"), "Friday at 10."),
         expect=[fact("appointment is", "at 10", on=date(2026, 12, 4))]),
    case("non-answer-is-not-a-fact", "plans",
         session("We're moving house.", bot("Exciting! When's the move?"), "No idea yet, honestly."),
         expect=[fact("moving house")], absent=["move is", "no idea"]),
    case("negated-fact-next-session", "updates",
         session("I'm allergic to ibuprofen."),
         session("Turns out I'm not allergic to ibuprofen after all, the test came back clean."),
         expect=[fact("not allergic to ibuprofen", previous=["allergic to ibuprofen"])],
         absent=["turns out", ("user is allergic to ibuprofen",)]),
    case("negated-possession-next-session", "updates",
         session("I have a motorbike, a red Ducati."),
         session("I don't have a motorbike anymore."),
         expect=[fact("doesn't have a motorbike")], max_memories=1),
    case("reported-opposite", "updates",
         session("I'm lactose intolerant."),
         session("Good news: my doctor says I'm not lactose intolerant."),
         expect=[fact("not lactose intolerant", previous=["lactose intolerant"])], max_memories=1),
    case("positive-after-negated", "updates",
         session("I don't drink coffee."),
         session("I drink coffee now, two cups a day."),
         expect=[fact("drinks coffee", "two cups a day", previous=["doesn't drink coffee"])]),
    case("another-pet-counts", "updates",
         session("I have two rabbits."),
         session("We adopted a third rabbit yesterday!"),
         expect=[fact("third rabbit", previous=["two rabbits"])]),
    case("quit-is-past", "work",
         session("I quit my job at the bank."),
         expect=[fact("user quit their job at the bank")], absent=["quits"]),
    case("third-party-recommendation-is-not-the-assistants", "categories",
         session("My friend Omar recommended a Thai place called Kin Khao."),
         expect=[fact("omar recommended", "kin khao")], absent=[]),
    case("hypothetical-with-date-reads-well", "hypotheticals",
         session("If it snows on Saturday, I'll stay in and bake."),
         expect=[fact("if it snows", "stay in and bake")]),
    case("code-for-what-it-opens-is-a-secret", "secrets",
         session("The code for our side gate is 5092, keep it safe. I store my bikes behind it."),
         absent=["5092", "code for"]),
    case("zip-code-is-not-a-secret", "profile",
         session("My zip code is 94110."),
         expect=[fact("zip code is 94110")]),
    case("compound-subject-with-i", "family",
         session("My wife and I are celebrating our 15th anniversary on the 12th."),
         expect=[fact("user and their wife are celebrating", "15th anniversary", on=date(2026, 12, 12))],
         absent=["user is celebrating"]),
    case("wanted-to-say-is-filler", "hygiene",
         session("So, basically I just wanted to say that I'm training for a half marathon in March."),
         expect=[fact("training for a half marathon", on=date(2027, 3, 1), until=date(2027, 3, 31))],
         absent=["wanted to say", "basically"]),
    case("pregnancy-in-a-question-is-health", "health",
         session("I'm 28 weeks pregnant, can I still take the ferry to Mallorca?",
                 bot("Most ferry lines allow it up to 32 weeks; bring a doctor's note.")),
         expect=[fact("28 weeks pregnant", category="health")]),
    case("need-is-not-past", "profile",
         session("I need a new passport before my trip to Peru."),
         expect=[fact("user needs a new passport", "trip to peru")], absent=["user need a"]),
    case("feed-is-not-past", "habits",
         session("I feed my neighbour's cats every evening."),
         expect=[fact("user feeds", "neighbour's cats", "every evening")]),
    case("user-facts-are-not-assistant-recommendations", "categories",
         session("Given that I'm lactose intolerant, can I eat aged cheddar?",
                 bot("Usually yes: aged cheddar has very little lactose.")),
         expect=[fact("lactose intolerant", category="allergies")],
         absent=[]),
]


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)


def test_no_user_statement_is_filed_as_the_assistants_recommendation(suite_client: Any) -> None:
    """Who said a thing decides ``assistant_recommendations``, not how close it is in meaning."""
    c = case("diabetic-question", "categories",
             session("Since I'm diabetic, can I still eat mangoes?", bot("Yes, in moderation, with some protein."),
                     "I need a glucose meter too."))
    memories = run_case(suite_client, c)
    users = [m for m in memories if m.content.startswith("User ")]
    assert users, [m.content for m in memories]
    assert all("assistant_recommendations" not in m.categories for m in users), \
        [(m.content, m.categories) for m in users]


def test_a_third_partys_recommendation_is_not_filed_as_the_assistants(suite_client: Any) -> None:
    c = case("omar", "categories", session("My sister Leila recommended a podcast called 'Darknet Diaries'."))
    memories = run_case(suite_client, c)
    assert memories and all("assistant_recommendations" not in m.categories for m in memories), \
        [(m.content, m.categories) for m in memories]
