"""Memory categories: the default set and a deterministic, offline categoriser.

A project may keep the defaults or define its own categories (``sports: Sports the
user plays or watches``).  ``categorize`` tags a statement with one to three of the
categories in force, best first, using two signals:

* a keyword lexicon keyed by *concepts* ("food", "sports", "work", ...).  A custom
  category draws on the concepts its name names, so ``sports`` knows that tennis is a
  sport;
* token overlap between the statement and the category's name and description.

The meaning of a description (a ``garden`` "where the user grows vegetables" knows
courgettes) is matched by the engine, which has the embedder
(``recallr.engine.formation.categories``), on top of this choice.

Example::

    >>> categorize("User is allergic to peanuts.", DEFAULT_CATEGORIES)
    ('allergies', 'food_preferences')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import CATEGORY_STOPWORDS

__all__ = ["DEFAULT_CATEGORIES", "Category", "categorize", "validate_category_name"]


@dataclass(frozen=True)
class Category:
    """A memory category of a project.

    Example::

        >>> Category("pets", "Pets and animals the user owns or cares for.").name
        'pets'
    """

    name: str  # lowercase_snake
    description: str


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("personal_info", "Identity facts: name, age, gender, nationality, languages, appearance and background."),
    Category("location", "Where the person lives, has lived or comes from; home, city, country and neighbourhood."),
    Category("work", "Job, employer, career, colleagues, business and professional projects."),
    Category("education", "Schools, degrees, courses, studying, exams and learning new skills."),
    Category("family", "Family members: partner, children, parents, siblings and other relatives."),
    Category("relationships", "Friends, dating, marriage, relationship status and social life."),
    Category("pets", "Pets and animals the person owns or cares for."),
    Category("allergies", "Allergies and intolerances to food, medicine or the environment."),
    Category("health", "Physical and mental health, illness, injuries, medication, therapy and fitness."),
    Category(
        "food_preferences",
        "Food and drink the person likes or dislikes, diet (vegetarian, vegan), cuisines, restaurants and cooking.",
    ),
    Category("hobbies", "Hobbies, sports, games, arts, crafts, music, reading and other pastimes."),
    Category(
        "preferences", "General likes, dislikes and favourites beyond food: books, films, music, colours, brands."
    ),
    Category("travel", "Trips taken or planned, destinations, vacations and travel preferences."),
    Category("plans_goals", "Plans, intentions, goals, ambitions, wishes and upcoming commitments."),
    Category("events", "Things that happened or that the person took part in: outings, celebrations, milestones."),
    Category("possessions", "Things the person owns, bought or wants to buy: vehicles, devices, home items."),
    Category("habits_routines", "Daily routines, habits and recurring activities."),
    Category("opinions", "Views, beliefs, values and feelings about topics, people and experiences."),
    Category("finance", "Money, budget, income, spending, savings, debt and investments."),
    Category("assistant_recommendations", "Recommendations, suggestions and information the assistant gave the user."),
    Category("other", "Anything worth remembering that fits no other category."),
)

_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def validate_category_name(name: str) -> str:
    """Return ``name`` if it is a valid category name (lowercase_snake, 1-64 characters).

    Raises ``ValueError`` with the reason otherwise.

    Example::

        >>> validate_category_name("food_preferences")
        'food_preferences'
        >>> validate_category_name("Food Prefs")
        Traceback (most recent call last):
        ...
        ValueError: invalid category name 'Food Prefs': use lowercase letters, digits and single underscores, \
starting with a letter (e.g. 'food_preferences')
    """
    if not isinstance(name, str) or not name:
        raise ValueError("invalid category name: it must be a non-empty string")
    if len(name) > 64:
        raise ValueError(f"invalid category name {name[:20]!r}...: it is {len(name)} characters long, the limit is 64")
    if not _NAME_RE.match(name):
        raise ValueError(
            f"invalid category name {name!r}: use lowercase letters, digits and single underscores, "
            "starting with a letter (e.g. 'food_preferences')"
        )
    return name


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Concept -> keyword stems (see ``_stem``).  Keys are themselves stems, so a category
# whose name or description mentions "sport" or "food" inherits that concept's words.
_LEXICON: dict[str, frozenset[str]] = {
    k: _words(v)
    for k, v in {
        "personal_info": "name age old birthday born gender nationality citizen language speak identity transgender "
        "trans nonbinary religion faith church christian muslim jewish tall height appearance hair",
        "location": "live living home hometown city town country neighbourhood neighborhood moved move relocat "
        "apartment house address street suburb state grew born based lease rent landlord tenant flatmate roommate",
        "work": "job work career employer company office boss colleague coworker manager salary promot hired "
        "fired interview business startup client project profession nurse teacher engineer developer doctor "
        "lawyer firefighter entrepreneur retire shift",
        "education": "school college university degree class course study student exam graduat teacher learn "
        "lesson major phd master bachelor homework semester tutor",
        "family": "family mom mother dad father parent son daughter kid child children baby brother sister "
        "sibling husband wife grandma grandmother grandpa grandfather aunt uncle cousin niece nephew "
        "adopt",
        "relationship": "friend boyfriend girlfriend partner dating date married marriage wedding divorc single "
        "engaged relationship breakup broke husband wife fiance fiancee neighbour neighbor",
        "pet": "pet dog puppy cat kitten turtle hamster rabbit bunny parrot bird fish snake horse vet leash "
        "guinea lizard",
        "allergy": "allergic allergy intoleran anaphylaxi epipen gluten lactose",
        "health": "health sick ill illness injury injured hurt doctor hospital medication medicine therapy "
        "therapist pain diabet asthma anxiety depression surgery diagnos symptom mental sleep gym "
        "workout exercise fitness weight diet stress pregnant pregnancy prenatal midwife obgyn trimester migraine "
        "headache fever flu nausea cancer chemo physio physiotherap dentist dental prescription cholesterol",
        "food": "food eat ate cook recipe restaurant cuisine dish meal dinner lunch breakfast snack dessert "
        "sushi pizza pasta burger taco coffee tea wine beer chocolate cake bake baking vegetarian vegan "
        "pescatarian keto spicy cafe bakery cheese fruit vegetable meat chicken seafood steak salad soup "
        "curry ramen noodle bread cookie pie peanut shellfish drink",
        "hobby": "hobby paint painting draw art music guitar piano sing dance danc read book novel game gaming "
        "play sport hike hiking camp camping garden photography knit craft swim run running bike "
        "cycling yoga fish surf climb pottery write writing poetry instrument collect movie film series show "
        "song album band concert video console comic anime festival photo photograph sketch sculpt bake "
        "baking travel tournament season court team",
        "sport": "sport tennis football soccer basketball baseball hockey golf volleyball swim swimming run "
        "running marathon cycling bike ski skiing surf surfing boxing climb climbing yoga gym match "
        "tournament team league coach athlete season court game player championship",
        "preference": "love like enjoy favorite favourite prefer hate dislike fan adore dislik stand",
        "travel": "travel trip vacation holiday flight fly flew visit visited abroad tour tourist hotel beach "
        "journey destination road passport cruise",
        "plan": "plan planning goal want hope dream intend aim going will next future someday wish "
        "decid aspire ambition upcoming",
        "goal": "goal plan aim ambition dream target achieve",
        "event": "went attended visited celebrat party concert festival wedding birthday yesterday last "
        "ago meeting conference event parade race competition show trip graduat",
        "possession": "own bought buy purchas car bike house phone laptop computer apartment collection gift",
        "habit": "every daily weekly usually always often routine habit morning night weekend regularly sometimes",
        "routine": "routine every daily morning evening schedule",
        "opinion": "think believe feel opinion important value matter agree disagree inspiring meaningful "
        "wish honestly amazing awesome incredible beautiful great worth grateful proud reminds",
        "finance": "money budget income salary spend spent saving save invest investment debt loan mortgage "
        "rent price cost paid pay dollar bank afford",
        "assistant": "recommend recommended suggest suggested advis tip assistant",
        "recommendation": "recommend recommended suggest suggested advis tip",
    }.items()
}

_TOKEN = re.compile(r"[a-z0-9]+")
_RECOMMENDATION = re.compile(r"\bassistant (?:recommended|suggested|advised)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=16384)
def _stem(word: str) -> str:
    """A crude, fast stemmer: enough to match "plays" with "play" and "allergies" with "allergy"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stems(text: str) -> set[str]:
    """Stems of the content words (three letters or more: the "s" of "user's" is no evidence)."""
    return {_stem(t) for t in _TOKEN.findall(text.lower()) if len(t) > 2 and t not in CATEGORY_STOPWORDS}


@dataclass(frozen=True)
class _Profile:
    """What ``categorize`` needs to know about one category, computed once per category set."""

    name: str
    keywords: frozenset[str]  # lexicon stems inherited through concepts
    overlap: frozenset[str]  # stems of the name and description
    weight: float  # custom categories are the project's explicit choice: they outrank the defaults


# The default categories draw on chosen concepts; "food_preferences" must not inherit
# the generic "preference" words, or every "User loves X" would be tagged as food.
_DEFAULT_CONCEPTS: dict[str, tuple[str, ...]] = {
    "personal_info": ("personal_info",),
    "location": ("location",),
    "work": ("work",),
    "education": ("education",),
    "family": ("family",),
    "relationships": ("relationship",),
    "pets": ("pet",),
    "allergies": ("allergy",),
    "health": ("health",),
    "food_preferences": ("food",),
    "hobbies": ("hobby", "sport"),
    "preferences": ("preference",),
    "travel": ("travel",),
    "plans_goals": ("plan", "goal"),
    "events": ("event",),
    "possessions": ("possession",),
    "habits_routines": ("habit", "routine"),
    "opinions": ("opinion",),
    "finance": ("finance",),
    "assistant_recommendations": ("recommendation",),
    "other": (),
}


def _concepts(category: Category) -> set[str]:
    """The concepts a category draws on: the defaults' chosen ones, a custom category's from its name only.

    A description's words are matched by meaning (``recallr.engine.formation.categories``) and by overlap: taken as
    concepts they misfire ("gardening work" in a garden's description would file every job under it).
    """
    if category.name in _DEFAULT_CONCEPTS:
        return set(_DEFAULT_CONCEPTS[category.name])
    words = set(category.name.split("_"))
    stems = {_stem(w) for w in words} | words
    return {c for c in _LEXICON if c in stems or _stem(c) in stems}


_DEFAULT_SET = frozenset(DEFAULT_CATEGORIES)


@functools.lru_cache(maxsize=64)
def _profiles(categories: tuple[Category, ...]) -> tuple[_Profile, ...]:
    profiles = []
    for cat in categories:
        keywords: set[str] = set()
        for concept in _concepts(cat):
            keywords |= {_stem(k) for k in _LEXICON[concept]} | _LEXICON[concept]
        # The default descriptions are prose for people; the lexicon already covers them.
        default = cat in _DEFAULT_SET
        overlap = frozenset() if default else _stems(cat.name.replace("_", " ") + " " + cat.description)
        profiles.append(_Profile(cat.name, frozenset(keywords), frozenset(overlap), 1.0 if default else 2.0))
    return tuple(profiles)


def categorize(text: str, categories: Sequence[Category]) -> tuple[str, ...]:
    """Assign one to three of ``categories`` to a memory statement, best first.

    Never returns an empty tuple: without any signal the answer is ``("other",)`` when
    the set has an ``other`` category, else the set's first category.

    Example::

        >>> categorize("User plays tennis every Sunday.", [Category("sports", "Sports the user plays or watches"),
        ...                                             Category("other", "Anything else")])
        ('sports',)
    """
    cats = tuple(categories)
    if not cats:
        raise ValueError("categorize needs at least one category")
    tokens = set(_TOKEN.findall(text.lower()))
    stems = {_stem(t) for t in tokens}
    raw = tokens | stems
    words = {_stem(t) for t in tokens - CATEGORY_STOPWORDS if len(t) > 2}
    recommendation = bool(_RECOMMENDATION.search(text))
    scored: list[tuple[float, int, str]] = []
    for position, profile in enumerate(_profiles(cats)):
        if profile.name == "other":
            continue
        score = profile.weight * (3.0 * len(raw & profile.keywords) + 1.0 * len(words & profile.overlap))
        if recommendation and profile.name == "assistant_recommendations":
            score += 10.0
        if score > 0:
            scored.append((-score, position, profile.name))
    if not scored:
        names = [c.name for c in cats]
        return ("other",) if "other" in names else (names[0],)
    scored.sort()
    best = -scored[0][0]
    return tuple(name for neg, _, name in scored[:3] if -neg >= best / 3)
