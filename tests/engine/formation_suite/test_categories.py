"""Formation suite: categories (issue 13, item 5).

Custom categories are created the way a project would (a name and a plain description) and must catch memories
by meaning, with no word of the description in the conversation; default categories must still file everyday
facts where a person would look for them.
"""

from __future__ import annotations

from typing import Any

import pytest

from .harness import Case, bot, case, check, fact, params, run_case, session

HOME = ("home_projects", "Repairs, renovations and DIY jobs in and around the user's house or flat.")
MEDS = ("medications", "Medicines and supplements the user takes: names, doses, prescriptions and side effects.")
SCHOOL = ("kids_school", "The user's children at school: classes, teachers, homework, grades and school events.")
MONEY = ("investments", "Where the user invests money: shares, funds, pensions, crypto and property.")
GARDEN = ("garden", "The user's garden, allotment or balcony plants: what they grow and the work it takes.")

CUSTOM = [
    case("cat-home-kitchen", "category",
         session("We've finally started on the kitchen. I'm fitting the new cabinets myself this weekend.",
                 bot("Exciting! Take your time levelling the base units.")),
         categories=[HOME], expect=[fact("new cabinets", category="home_projects")]),
    case("cat-home-gutter", "category",
         session("Water keeps pouring over the gutter at the back of the house.",
                 bot("That usually means it's blocked or sagging."),
                 "I'm going to replace the whole gutter before winter."),
         categories=[HOME], expect=[fact("replace the whole gutter", category="home_projects")]),
    case("cat-meds-sertraline", "category",
         session("My GP put me on 50 mg of sertraline a day.", bot("How are you finding it so far?"),
                 "A bit nauseous in the mornings."),
         categories=[MEDS], expect=[fact("sertraline", category="medications")]),
    case("cat-meds-antihistamine", "category",
         session("I take an antihistamine every morning during pollen season.",
                 bot("Cetirizine or loratadine tend to be the least drowsy.")),
         categories=[MEDS], expect=[fact("antihistamine", category="medications")]),
    case("cat-meds-inhaler", "category",
         session("My inhaler prescription runs out at the end of the month.", bot("Worth ordering it a week ahead.")),
         categories=[MEDS], expect=[fact("inhaler", category="medications")]),
    case("cat-school-new-class", "category",
         session("My son Theo starts Year 3 at Riverside Primary next week.", bot("A big step! Is he excited?")),
         categories=[SCHOOL], expect=[fact("theo", "riverside primary", category="kids_school")],
         gap="the date written into the memory ('In the week of 7 December 2026, ...') pulls its meaning towards "
             "plans and events: kids_school ranks third"),
    case("cat-school-year", "category",
         session("Our eldest, Maya, is in Year 9 at Hillcrest Academy.", bot("Year 9, the options year!")),
         categories=[SCHOOL], expect=[fact("maya", "hillcrest academy", category="kids_school")]),
    case("cat-school-homework", "category",
         session("Lily's maths teacher says she keeps forgetting to hand in her homework.",
                 bot("A homework planner by the door sometimes helps.")),
         categories=[SCHOOL], expect=[fact("homework", category="kids_school")]),
    case("cat-school-play", "category",
         session("My daughter got the lead role in the nativity play at her school!",
                 bot("Congratulations to her!")),
         categories=[SCHOOL], expect=[fact("nativity play", category="kids_school")]),
    case("cat-money-index-fund", "category",
         session("Last month I moved most of my savings into a global index fund.",
                 bot("A low-cost tracker is a sensible long-term choice.")),
         categories=[MONEY], expect=[fact("index fund", category="investments")]),
    case("cat-money-ethereum", "category",
         session("I've been buying a little Ethereum every payday.", bot("Dollar-cost averaging, nice.")),
         categories=[MONEY], expect=[fact("ethereum", category="investments")]),
    case("cat-money-pension", "category",
         session("I just upped my pension contributions to 12 percent of my salary."),
         categories=[MONEY], expect=[fact("pension contributions", category="investments")]),
    case("cat-garden-tomatoes", "category",
         session("The tomatoes on my balcony are finally turning red!", bot("Lovely, home-grown ones taste best.")),
         categories=[GARDEN], expect=[fact("tomatoes", category="garden")]),
    case("cat-garden-lavender", "category",
         session("I planted a row of lavender along the front path on Sunday."),
         categories=[GARDEN], expect=[fact("lavender", category="garden")]),
    case("cat-garden-allotment", "category",
         session("I got an allotment plot near the canal, so I'm digging in potatoes and onions."),
         categories=[GARDEN], expect=[fact("potatoes", category="garden")]),
    case("cat-two-customs", "category",
         session("I repainted the hallway last weekend.", bot("What colour did you go for?"),
                 "A warm grey. Also my courgettes are taking over the vegetable patch."),
         categories=[HOME, GARDEN],
         expect=[fact("repainted the hallway", category="home_projects"),
                 fact("courgettes", category="garden")]),
    case("cat-cycling", "category",
         session("I rode 80 km through the hills on Saturday with my club.", bot("Impressive! How were the climbs?")),
         categories=[("cycling", "Road and mountain biking: rides, routes, bikes and kit.")],
         expect=[fact("80 km", category="cycling")]),
    case("cat-language-learning", "category",
         session("I'm doing twenty minutes of Japanese on Duolingo every night.",
                 bot("Consistency is the key with languages.")),
         categories=[("language_learning", "Languages the user is learning: lessons, apps and progress.")],
         expect=[fact("japanese", category="language_learning")]),
    case("cat-vet-visit", "category",
         session("Rocky had his rabies jab at the vet yesterday.", bot("Good boy. Any reaction?"),
                 "Just a bit sleepy."),
         categories=[("animal_health", "Vet visits, vaccinations and illnesses of the user's animals.")],
         expect=[fact("rabies", category="animal_health")]),
    case("cat-car-tyres", "category",
         session("My car needs two new tyres before its MOT next Friday."),
         categories=[("car_upkeep", "Servicing, repairs, tyres and inspections of the user's car.")],
         expect=[fact("new tyres", category="car_upkeep")]),
    case("cat-work-project", "category",
         session("I'm leading the migration to the new billing system at work, and it has to ship by March.",
                 bot("That's a big one, good luck.")),
         categories=[("work_projects", "Projects the user runs at their job: launches, deadlines and clients.")],
         expect=[fact("billing system", category="work_projects")]),
]

DEFAULTS = [
    case("cat-default-allergy", "category",
         session("Just so you know, I'm allergic to shellfish.", bot("Noted, I'll keep that in mind.")),
         expect=[fact("allergic to shellfish", category="allergies")]),
    case("cat-default-job", "category",
         session("I work as a paramedic in Leeds.", bot("That must be intense.")),
         expect=[fact("paramedic", category="work")]),
    case("cat-default-pet", "category",
         session("We adopted a ginger kitten called Pumpkin!", bot("Adorable name!")),
         expect=[fact("kitten", category="pets")]),
    case("cat-default-family", "category",
         session("My brother Sam is getting married in June.", bot("How lovely!")),
         expect=[fact("brother sam", category="family")]),
    case("cat-default-travel", "category",
         session("I'm flying to Lisbon for a conference next month.", bot("Lisbon is wonderful in spring.")),
         expect=[fact("lisbon", category="travel")]),
    case("cat-default-finance", "category",
         session("I'm trying to pay off my credit card before Christmas."),
         expect=[fact("credit card", category="finance")]),
    case("cat-default-food", "category",
         session("I can't stand mushrooms, they ruin every dish for me."),
         expect=[fact("mushrooms", category="food_preferences")]),
    case("cat-default-recommendation", "category",
         session("Can you recommend a podcast about history?",
                 bot("I recommend the podcast 'The Rest Is History'.")),
         expect=[fact("rest is history", category="assistant_recommendations")]),
    case("cat-default-health", "category",
         session("I was diagnosed with asthma when I was a kid.", bot("Do you still need an inhaler?")),
         expect=[fact("asthma", category="health")]),
]

CASES = CUSTOM + DEFAULTS


@pytest.mark.parametrize("c", params(DEFAULTS))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)


@pytest.mark.parametrize("c", params(CUSTOM))
def test_case_with_categories(own_client: Any, c: Case) -> None:
    check(run_case(own_client, c), c)
