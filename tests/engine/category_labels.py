"""A labelled set for category assignment (issue 13, item 5): memory statements and the categories they belong in.

Each statement names the categories a person filing it would choose (``must``) and others that are fair
(``ok``). Some also name the custom category of a project that has one (``custom``): in such a project that
category must be among the memory's categories, and the default ones become fair extras.

Two groups of custom categories, each described in plain words as a project would: ``TUNING`` (the thresholds of
``recallr.engine.formation.categories`` were chosen on these) and ``HELD_OUT`` (never looked at while tuning).

Run ``PYTHONPATH=src python -m tests.engine.category_labels`` for precision and recall of the lexicon alone and
of the lexicon with meaning (``tests/engine/test_category_assignment.py`` asserts the floors).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from recallr.language.categories import DEFAULT_CATEGORIES, Category


@dataclass(frozen=True)
class Labelled:
    text: str
    must: frozenset[str]
    ok: frozenset[str]
    custom: str | None = None


def label(text: str, must: str, ok: str = "", custom: str | None = None) -> Labelled:
    return Labelled(text, frozenset(must.split()), frozenset(ok.split()), custom)


TUNING = (
    Category("home_projects", "Repairs, renovations, decorating and DIY jobs around the user's home."),
    Category("medications", "Medicines, prescriptions, doses and supplements the user takes."),
    Category("kids_school", "The user's children at school: teachers, classes, homework, grades and school events."),
    Category("investments", "Stocks, index funds, crypto, pension and other investments the user holds."),
    Category("garden", "The user's garden or balcony: plants, vegetables, flowers, lawn and gardening work."),
)

HELD_OUT = (
    Category("cars", "The user's car: make and model, servicing, repairs, insurance and driving."),
    Category("volunteering", "Charity and volunteer work the user does in the community."),
    Category("wedding_planning", "Preparations for the user's wedding: venue, guests, dress, vendors and budget."),
    Category("music_lessons", "Instrument lessons and music practice: teacher, pieces learned, practice schedule."),
    Category("running_training", "Running and race training: distances, paces, races entered and training plans."),
)

DEFAULT_SET = [
    # personal_info
    label("User is 34 years old.", "personal_info"),
    label("User's name is Priya Raman.", "personal_info"),
    label("User speaks Portuguese and a little Japanese.", "personal_info"),
    label("User is a transgender woman.", "personal_info", "relationships"),
    label("Melanie grew up in a religious household.", "personal_info", "family opinions"),
    # location
    label("User lives in Rotterdam.", "location"),
    label("User moved to a flat in Leith last spring.", "location", "events"),
    label("Caroline is originally from Sweden.", "location", "personal_info"),
    label("User's apartment is near the central station.", "location", "possessions"),
    label("User grew up on a farm outside Cork.", "location", "personal_info family"),
    # work
    label("User works as a pharmacist at a hospital.", "work"),
    label("User got promoted to team lead in March.", "work", "events"),
    label("User's manager is called Dana.", "work", "relationships"),
    label("Jon lost his job at the bank.", "work", "events finance"),
    label("User is starting a bakery business next year.", "work", "plans_goals food_preferences"),
    label("User has a job interview with Spotify on Thursday.", "work", "events plans_goals"),
    # education
    label("User is studying for a master's degree in data science.", "education", "plans_goals"),
    label("User failed the driving theory exam twice.", "education", "events"),
    label("Caroline is taking an online course in counseling.", "education", "work plans_goals"),
    label("User graduated from the University of Leeds in 2015.", "education", "events"),
    # family
    label("User's daughter Mia is seven.", "family"),
    label("User's mother lives with them since her surgery.", "family", "health location"),
    label("User has two older brothers.", "family"),
    label("Melanie's son broke his arm at the playground.", "family", "health events"),
    label("User's grandfather was a fisherman.", "family", "work personal_info"),
    label("User's parents are celebrating their 40th anniversary.", "family", "events"),
    # relationships
    label("User has been dating Sam for two years.", "relationships"),
    label("User and her husband got married in Lisbon.", "relationships", "family events location"),
    label("User broke up with his girlfriend last month.", "relationships", "events"),
    label("User's best friend Tom lives in Denver.", "relationships", "location"),
    label("Caroline is single.", "relationships", "personal_info"),
    # pets
    label("User has a cat named Biscuit.", "pets"),
    label("User's dog Max is afraid of thunderstorms.", "pets"),
    label("User adopted a rescue greyhound.", "pets", "events"),
    label("Melanie's guinea pig died last week.", "pets", "events"),
    label("User takes the puppy to obedience classes on Saturdays.", "pets", "habits_routines education"),
    # health
    label("User has type 2 diabetes.", "health"),
    label("User is recovering from knee surgery.", "health", "events"),
    label("User sees a therapist for anxiety.", "health", "habits_routines"),
    label("User sleeps badly when stressed.", "health", "habits_routines"),
    label("User is pregnant with her second child.", "health", "family"),
    label("User sprained her ankle while hiking.", "health", "hobbies events"),
    # allergies
    label("User is allergic to peanuts.", "allergies", "food_preferences health"),
    label("User is lactose intolerant.", "allergies", "food_preferences health"),
    label("User's son is allergic to bee stings.", "allergies", "family health"),
    label("User gets hay fever every spring.", "allergies", "health"),
    label("User reacts badly to penicillin.", "allergies", "health medications"),
    # food_preferences
    label("User is vegetarian.", "food_preferences"),
    label("User loves spicy Sichuan food.", "food_preferences", "preferences"),
    label("User doesn't drink coffee after noon.", "food_preferences", "habits_routines health"),
    label("User's favourite restaurant is a ramen place in Soho.", "food_preferences", "preferences"),
    label("User bakes sourdough bread every weekend.", "food_preferences", "hobbies habits_routines"),
    label("User can't stand cilantro.", "food_preferences", "preferences"),
    # hobbies
    label("User plays the cello in an amateur orchestra.", "hobbies"),
    label("Melanie paints landscapes in watercolour.", "hobbies"),
    label("User goes bouldering twice a week.", "hobbies", "habits_routines health"),
    label("User collects vintage film cameras.", "hobbies", "possessions"),
    label("Caroline joined a pottery class.", "hobbies", "education events"),
    label("User plays chess online most evenings.", "hobbies", "habits_routines"),
    # preferences
    label("User's favourite film is Spirited Away.", "preferences", "hobbies"),
    label("User prefers window seats.", "preferences", "travel"),
    label("User dislikes crowded places.", "preferences", "opinions"),
    label("User's favourite colour is green.", "preferences"),
    label("User likes jazz more than pop.", "preferences", "hobbies"),
    # travel
    label("User is flying to Tokyo in October.", "travel", "plans_goals"),
    label("User went backpacking in Peru after college.", "travel", "events"),
    label("Caroline took her kids camping at the lake.", "travel", "family events hobbies"),
    label("User has never been to Africa.", "travel"),
    label("User's passport expires next month.", "travel", "personal_info"),
    # plans_goals
    label("User wants to run a marathon next year.", "plans_goals", "hobbies health"),
    label("User plans to learn Spanish before the trip.", "plans_goals", "education travel"),
    label("User hopes to buy a house within five years.", "plans_goals", "possessions finance"),
    label("Caroline wants to become a counselor.", "plans_goals", "work"),
    label("User is saving up to start a podcast.", "plans_goals", "finance hobbies"),
    # events
    label("User went to a Taylor Swift concert on Saturday.", "events", "hobbies preferences"),
    label("Melanie attended her cousin's wedding in June.", "events", "family"),
    label("User's house was flooded during the storm.", "events", "location possessions"),
    label("User ran a charity 10k last Sunday.", "events", "hobbies health"),
    label("Caroline gave a talk at the school about LGBTQ rights.", "events", "work opinions"),
    # possessions
    label("User drives a 2015 Toyota Corolla.", "possessions"),
    label("User bought a new laptop last week.", "possessions", "events"),
    label("User owns a vintage record player.", "possessions", "hobbies"),
    label("User's phone screen is cracked.", "possessions"),
    label("User wants to buy an electric bike.", "possessions", "plans_goals"),
    # habits_routines
    label("User meditates every morning before work.", "habits_routines", "health"),
    label("User walks to the office on weekdays.", "habits_routines", "work health"),
    label("User calls his mom every Sunday.", "habits_routines", "family"),
    label("User usually goes to bed at 11 pm.", "habits_routines", "health"),
    label("User does the grocery shopping on Friday evenings.", "habits_routines", "food_preferences"),
    # opinions
    label("User thinks remote work is better for families.", "opinions", "work family"),
    label("Caroline believes everyone deserves to be loved.", "opinions"),
    label("User feels the new city council is doing a poor job.", "opinions"),
    label("Melanie finds painting therapeutic.", "opinions", "hobbies health"),
    label("User is proud of finishing the renovation.", "opinions", "events possessions home_projects"),
    # finance
    label("User is paying off a student loan.", "finance", "education"),
    label("User's monthly rent is 1,400 euros.", "finance", "location"),
    label("User is saving 500 dollars a month.", "finance", "plans_goals habits_routines"),
    label("User's budget for the holiday is 2,000 pounds.", "finance", "travel plans_goals"),
    label("User has credit card debt.", "finance"),
    # assistant_recommendations
    label("Assistant recommended the book 'Atomic Habits' to the user.", "assistant_recommendations", "preferences"),
    label("Assistant suggested stretching before long runs.", "assistant_recommendations", "health hobbies"),
    label("Assistant booked a table for two at Nopa on Friday at 8 pm.", "assistant_recommendations",
          "events plans_goals food_preferences"),
    label("Assistant told the user that the museum is closed on Mondays.", "assistant_recommendations", "travel"),
    label("Assistant recommended a budgeting app called YNAB.", "assistant_recommendations", "finance"),
]

CUSTOM_SET = [
    # home_projects
    label("User is retiling the kitchen backsplash.", "possessions", "plans_goals", custom="home_projects"),
    label("User painted the spare bedroom sage green.", "events", "possessions preferences", custom="home_projects"),
    label("User needs to fix the leaking tap in the bathroom.", "possessions", "plans_goals", custom="home_projects"),
    label("User is knocking down the wall between the kitchen and the dining room.", "plans_goals",
          "possessions", custom="home_projects"),
    label("User built shelves for the garage.", "hobbies", "possessions events", custom="home_projects"),
    label("User hired a plumber to replace the boiler.", "possessions", "finance events", custom="home_projects"),
    # medications
    label("User takes 20 mg of lisinopril every morning.", "health", "habits_routines", custom="medications"),
    label("User's doctor switched her from sertraline to escitalopram.", "health", "events", custom="medications"),
    label("User takes vitamin D in winter.", "health", "habits_routines", custom="medications"),
    label("User uses an asthma inhaler before exercise.", "health", "habits_routines", custom="medications"),
    label("User stopped taking ibuprofen because of stomach pain.", "health", "", custom="medications"),
    label("User's prescription for metformin runs out on Friday.", "health", "plans_goals", custom="medications"),
    # kids_school
    label("User's son Leo started first grade at Brookside Elementary.", "family", "education events",
          custom="kids_school"),
    label("User's daughter has a spelling test on Friday.", "family", "education events", custom="kids_school"),
    label("Mia's teacher is Mrs Okafor.", "family", "education", custom="kids_school"),
    label("User picks the kids up from school at 3:15.", "family", "habits_routines", custom="kids_school"),
    label("User's son got an A in maths this term.", "family", "education events", custom="kids_school"),
    label("The school play is on December 12 and Ava plays a shepherd.", "events", "family education",
          custom="kids_school"),
    # investments
    label("User holds an S&P 500 index fund.", "finance", "possessions", custom="investments"),
    label("User bought some Bitcoin in 2021.", "finance", "possessions events", custom="investments"),
    label("User puts 10% of his salary into his pension.", "finance", "work habits_routines", custom="investments"),
    label("User sold her Tesla shares last week.", "finance", "events", custom="investments"),
    label("User's portfolio is mostly bonds.", "finance", "possessions", custom="investments"),
    label("User is thinking about buying a rental property as an investment.", "finance",
          "plans_goals possessions", custom="investments"),
    # garden
    label("User is growing tomatoes and courgettes on the balcony.", "hobbies", "food_preferences",
          custom="garden"),
    label("User planted tulip bulbs along the fence.", "hobbies", "events", custom="garden"),
    label("Slugs ate User's lettuce seedlings.", "hobbies", "events", custom="garden"),
    label("User mows the lawn every Saturday morning.", "habits_routines", "hobbies", custom="garden"),
    label("User's apple tree finally produced fruit this year.", "hobbies", "possessions events", custom="garden"),
    label("User wants to build a raised bed for herbs.", "plans_goals", "hobbies", custom="garden"),
    # cars (held out)
    label("User's Golf needs new brake pads.", "possessions", "plans_goals", custom="cars"),
    label("User got a speeding ticket on the motorway.", "events", "finance", custom="cars"),
    label("User's car insurance renews in April.", "finance", "possessions", custom="cars"),
    label("User is thinking of trading in her Mazda for a hybrid.", "possessions", "plans_goals", custom="cars"),
    label("User had the car serviced at the dealer on Monday.", "possessions", "events", custom="cars"),
    # volunteering (held out)
    label("User volunteers at the food bank on Tuesdays.", "habits_routines", "events", custom="volunteering"),
    label("Caroline mentors LGBTQ teenagers at a youth center.", "work", "relationships habits_routines",
          custom="volunteering"),
    label("User helped organise a beach clean-up.", "events", "hobbies", custom="volunteering"),
    label("User reads to residents of a care home once a month.", "habits_routines", "hobbies",
          custom="volunteering"),
    label("User raised 800 dollars for the animal shelter.", "events", "finance pets", custom="volunteering"),
    # wedding_planning (held out)
    label("User booked a barn venue for the wedding in September.", "events", "plans_goals relationships",
          custom="wedding_planning"),
    label("User and Sam are inviting 120 guests.", "relationships", "plans_goals events",
          custom="wedding_planning"),
    label("User found her wedding dress at a vintage shop.", "possessions", "events", custom="wedding_planning"),
    label("User's caterer wants a deposit by May.", "finance", "plans_goals", custom="wedding_planning"),
    label("User is still choosing a photographer for the big day.", "plans_goals", "events",
          custom="wedding_planning"),
    # music_lessons (held out)
    label("User has a piano lesson with Mr Hale every Wednesday.", "hobbies", "education habits_routines",
          custom="music_lessons"),
    label("User is learning Chopin's Nocturne in E-flat.", "hobbies", "education", custom="music_lessons"),
    label("User practises guitar scales for 30 minutes a day.", "hobbies", "habits_routines",
          custom="music_lessons"),
    label("User's violin teacher wants her to try the grade 5 exam.", "hobbies", "education plans_goals",
          custom="music_lessons"),
    label("User switched from a nylon-string to a steel-string guitar.", "hobbies", "possessions",
          custom="music_lessons"),
    # running_training (held out)
    label("User ran 18 km on Sunday at an easy pace.", "hobbies", "health events", custom="running_training"),
    label("User signed up for the Berlin half marathon.", "hobbies", "events plans_goals",
          custom="running_training"),
    label("User does interval sessions on the track every Thursday.", "habits_routines", "hobbies health",
          custom="running_training"),
    label("User's goal is a sub-50 10k.", "plans_goals", "hobbies", custom="running_training"),
    label("User's new trainers are Hoka Cliftons.", "possessions", "hobbies", custom="running_training"),
]

Assign = Callable[[Sequence[Labelled], Sequence[Category]], list[tuple[str, ...]]]


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    top1: float  # the first category is one of ``must``
    statements: int

    def __str__(self) -> str:
        return f"precision {self.precision:.3f}  recall {self.recall:.3f}  first right {self.top1:.3f}  " \
               f"(n={self.statements})"


def expected(item: Labelled, categories: Sequence[Category]) -> tuple[frozenset[str], frozenset[str]]:
    """(must, ok) of ``item`` in a project with ``categories``."""
    names = {c.name for c in categories}
    if item.custom is not None and item.custom in names:
        return frozenset({item.custom}), item.must | item.ok
    return item.must, item.ok


def score(assign: Assign, items: Sequence[Labelled], categories: Sequence[Category]) -> Score:
    """Micro-averaged precision (assigned that are fair) and recall (``must`` that are assigned)."""
    found = assign(items, categories)
    assigned = fair = needed = hit = first = 0
    for item, names in zip(items, found, strict=True):
        must, ok = expected(item, categories)
        assigned += len(names)
        fair += sum(1 for n in names if n in must | ok)
        needed += len(must)
        hit += len(must & set(names))
        first += bool(names) and names[0] in must
    return Score(fair / max(1, assigned), hit / max(1, needed), first / max(1, len(items)), len(items))


PROJECTS: dict[str, tuple[tuple[Category, ...], list[Labelled]]] = {
    "defaults": (DEFAULT_CATEGORIES, DEFAULT_SET + CUSTOM_SET),
    "defaults + tuning customs": (DEFAULT_CATEGORIES + TUNING, DEFAULT_SET + CUSTOM_SET),
    "defaults + held-out customs": (DEFAULT_CATEGORIES + HELD_OUT, DEFAULT_SET + CUSTOM_SET),
}


def custom_only(items: Sequence[Labelled], categories: Sequence[Category]) -> list[Labelled]:
    names = {c.name for c in categories}
    return [i for i in items if i.custom in names]


def in_project_order(categories: Sequence[Category]) -> tuple[Category, ...]:
    """The categories as the worker reads them from the store (by name), which breaks the lexicon's ties."""
    return tuple(sorted(categories, key=lambda c: c.name))


def lexicon(items: Sequence[Labelled], categories: Sequence[Category]) -> list[tuple[str, ...]]:
    """The keyword lexicon alone (what formation did before categories by meaning)."""
    from recallr.language.categories import categorize

    return [categorize(i.text, categories) for i in items]


def with_meaning(embed: Callable[[list[str]], object]) -> Assign:
    """The lexicon refined by meaning, as formation does once the memories are embedded."""
    import numpy as np

    from recallr.engine.formation.categories import category_text, rank

    def assign(items: Sequence[Labelled], categories: Sequence[Category]) -> list[tuple[str, ...]]:
        vectors = np.asarray(embed([i.text for i in items]))
        similarities = vectors @ np.asarray(embed([category_text(c) for c in categories])).T
        return [rank(lexical, row, categories, assistant=item.text.startswith("Assistant "))
                for item, lexical, row in zip(items, lexicon(items, categories), similarities, strict=True)]

    return assign


def report(assigners: dict[str, Assign]) -> list[str]:
    lines = []
    for project, (categories, items) in PROJECTS.items():
        cats = in_project_order(categories)
        groups = [("all statements", items)] + ([("custom-category statements", custom_only(items, cats))]
                                                if len(cats) > len(DEFAULT_CATEGORIES) else [])
        for group, chosen in groups:
            lines.append(f"{project}, {group}:")
            lines += [f"  {name:<22} {score(assign, chosen, cats)}" for name, assign in assigners.items()]
    return lines


if __name__ == "__main__":
    from recallr.embedding import load_embedder

    assigners: dict[str, Assign] = {"lexicon": lexicon}
    with contextlib.suppress(ImportError):  # a checkout before categories by meaning: the lexicon alone
        assigners["lexicon + meaning"] = with_meaning(load_embedder("minilm").embed)
    print("\n".join(report(assigners)))
