"""What a question says of the asker's life, kept as what was asked (issue 13, items 1 and 2).

* a question about the person's own child, trip, body or plans is kept in reported speech, every content word
  ("User asked how to keep their 3-year-old busy on a long flight."), and a date in it stays on the thing it dates;
* a question about the world, a "you" question and a hypothetical ("If I ever ...") form nothing;
* "we" with a home, a pet or a move is the user's household.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .harness import bot, case, check, fact, params, run_case, session

CASES = [
    case("question-about-a-toddler", "family",
         session("How do I keep my 3-year-old busy on a long flight?", bot("Pack stickers and a new toy.")),
         expect=[fact("asked how to keep their 3-year-old busy on a long flight")]),
    case("question-dates-the-party", "plans",
         session("What's a good gluten-free cake for my son's birthday party on Saturday?",
                 bot("A flourless chocolate cake works well.")),
         expect=[fact("asked", "gluten-free cake", "son's birthday party", on=date(2026, 12, 5))],
         absent=["on 5 december 2026, user asked"]),
    case("question-states-a-body-fact", "health",
         session("Is it safe to go scuba diving at 20 weeks pregnant?"),
         expect=[fact("scuba diving at 20 weeks pregnant", category="health")]),
    case("question-tips-next-month", "plans",
         session("Any tips for my first triathlon next month?"),
         expect=[fact("tips for their first triathlon", on=date(2027, 1, 1))]),
    case("question-about-the-world", "filler",
         session("What's the tallest mountain in Africa?"), max_memories=0),
    case("question-about-the-assistant", "filler",
         session("Do you like my new haircut?"), absent=["asked"]),
    case("hypothetical-question", "hypothetical",
         session("If I ever retire to Crete, what should I learn first?"), absent=["crete"]),
    case("we-adopted-is-the-household", "pets",
         session("We adopted a rescue greyhound called Dash last weekend."),
         expect=[fact("user and family adopted a rescue greyhound called dash")]),
]


FOLLOWUPS = [
    case("since-a-month-is-behind", "dates",
         session("I'm doing keto since January, so no bread or pasta please."),
         expect=[fact("keto", on=date(2026, 1, 1))]),
    case("dropped-a-diet-ends-it", "updates",
         session("I've been vegan for two years."),
         session("I dropped veganism last month, it was too hard with the kids."),
         expect=[fact("dropped veganism", previous=["vegan"])], absent=[("has been vegan",)]),
    case("dropped-a-thing-ends-nothing", "updates",
         session("I have a new Pixel phone."), session("I dropped my phone in the lake yesterday."),
         expect=[fact("new pixel phone"), fact("dropped their phone in the lake")]),
    case("verbless-state-gets-its-subject", "filler",
         session("Finally finished the renovation. Back to normal life!"),
         expect=[fact("user is back to normal life")], absent=["said back"]),
    case("starting-monday-is-ahead", "work",
         session("Big change: I switch to day shifts at the clinic starting Monday."),
         expect=[fact("day shifts", "starting on 7 december 2026", on=date(2026, 12, 7))],
         absent=["big change"]),
    case("moving-to-shifts-is-not-a-home", "work",
         session("I live in Leeds."), session("I moved to night shifts last month."),
         expect=[fact("lives in leeds")]),
    case("how-do-you-answer", "habits",
         session(bot("How do you get to work these days?"), "By e-bike, mostly. It's 12 km each way."),
         expect=[fact("user gets to work", "by e-bike")], absent=["said by"]),
]
CONVERSATION = [
    case("we-after-my-partner-and-i", "travel",
         session("My partner Sam and I are driving to Porto in April.", bot("Lovely! Any plans there?"),
                 "We'll do a port wine tasting for sure."),
         expect=[fact("user and their partner sam are driving to porto"),
                 fact("user and sam will do a port wine tasting")], absent=["and friends"], max_memories=2),
    case("what-question-answered", "work",
         session(bot("Congrats on the promotion! What's your new title?"), "Head of data, reporting to the CTO."),
         expect=[fact("user's new title is head of data")], absent=["said head"]),
    case("assistant-verbless-list-is-a-suggestion", "recommendations",
         session("Can you suggest some day trips from Lisbon?",
                 bot("Sintra for the palaces, Cascais for the beach, and Evora for Roman ruins.")),
         expect=[fact("assistant suggested sintra for the palaces", category="assistant_recommendations")],
         absent=["told the user that sintra"]),
    case("migraines-are-health", "health",
         session("I've been getting migraines almost every week."),
         expect=[fact("migraines", category="health")]),
]
CHAT_SHORTHAND = [
    case("dropped-subject-irregular-past", "hobbies",
         session("Rode 80 km on Saturday, my longest ride yet."),
         expect=[fact("user rode 80 km", on=date(2026, 11, 28))], absent=["said rode"]),
    case("dropped-possessive", "hobbies",
         session("Current streak is 41 days of Spanish on Duolingo."),
         expect=[fact("user's current streak is 41 days of spanish")], absent=["said current"]),
    case("what-are-you-doing-answer", "hobbies",
         session(bot("What song are you learning on the ukulele?"), "Riptide, by Vance Joy."),
         expect=[fact("the song user is learning", "riptide")], absent=["said riptide"]),
    case("adverb-ing-gets-its-subject", "hobbies",
         session("Still practising the cello every evening, it's slowly paying off."),
         expect=[fact("user is still practising the cello every evening")], absent=["said still"]),
    case("sure-with-frames-its-clause", "work",
         session("I'm sure with a bit more training, I can run the shop on my own by spring."),
         expect=[fact("with a bit more training", "user can run the shop on their own")], max_memories=1),
    case("someone-met-is-she", "third parties",
         session("At the shelter I met an elderly woman who knits hats for the kids. She's 91 and knits daily."),
         expect=[fact("the elderly woman is 91")], absent=["user is 91", "user's"]),
    case("turns-out-before-a-pronoun", "filler",
         session("My cousin applied to six universities. Turns out he got into all of them!"),
         absent=["turns out"]),
    case("dropped-subject-adjective", "events",
         session("So proud to finally finish my first quilt!", bot("Congratulations!")),
         expect=[fact("user is proud to finally finish their first quilt")]),
    case("glad-to-hear-is-a-reaction", "filler",
         session(bot("Your results came back clear."), "Glad to hear that!"), max_memories=1,
         absent=["user is glad"]),
    case("starting-date-joins-its-statement", "work",
         session("Big news: I got the head chef job at Sora! Starting January 4th."),
         expect=[fact("head chef job at sora", "4 january 2027", on=date(2027, 1, 4))], max_memories=1),
    case("a-bit-answer", "education",
         session(bot("Have you done any coding before?"), "A little, I built a budgeting app in Python last year."),
         expect=[fact("user built a budgeting app in python")], absent=["a little"]),
    case("inverted-after-only", "preferences",
         session("I drink decaf mostly; only on Sundays do I have a proper espresso."),
         expect=[fact("only on sundays does user have a proper espresso")], absent=["do user has"]),
    case("not-fragment-is-dropped", "filler",
         session("I have to give a toast at the wedding. Not my favourite thing, to be honest."),
         expect=[fact("give a toast at the wedding")], absent=["not user's favourite"]),
]
CASES += FOLLOWUPS + CONVERSATION + CHAT_SHORTHAND


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Any) -> None:
    check(run_case(suite_client, c), c)
