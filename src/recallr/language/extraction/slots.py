"""Slot detection for extraction (values and builders: ``slot_values.py``; change and negation: ``markers.py``).

A *slot* is the consolidation key of a single-valued fact ("home", "job", "favorite_food",
"likes:sushi", "pet_count:dog"); ``find_slot`` reads it from the first-person sentence
before rewriting, so the patterns can anchor on "I"/"my".

The table is made of :class:`recallr.language.pattern.Rule` s: each pattern is written over lines
(``re.VERBOSE``: a literal space is ``[ ]``), with the sentences it must yield a slot for and some it
must not; ``pattern.register("slots", ...)`` lets the example test run them all. The first rule that
yields a slot wins. Every pattern is anchored on a word and its repetitions are bounded or stop at
punctuation: linear in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..pattern import Rule, register, verbose
from .slot_values import NUMBERS, PETS, SlotMatch, count, diet, favorite, likes, ordinal, place, plain, singular, trim
from .slot_values import word_set as word_set

__all__ = ["NEG", "SLOT_RULES", "SlotMatch", "find_slot", "singular", "word_set"]

# Pattern fragments (verbose-safe: a space is "[ ]", so they read the same in a plain pattern).
_I = r"(?<![\w'])[Ii](?=[\s'])"
_IM = r"(?<![\w'])(?:I'm|I[ ]am|i'm|i[ ]am)(?!\w)"
_ADV = r"(?:\s+(?:now|currently|still|also|just|recently|finally|already|actually|really|officially|happily|newly))*"
_NUM = r"(?:\d{1,4}|" + "|".join(NUMBERS) + r"|a[ ]couple[ ]of|a[ ]dozen)"
_PET = "(?:" + "|".join(p.replace(" ", "[ ]") for p in sorted(PETS, key=len, reverse=True)) + ")"
_JOBS = (
    r"nurse|teacher|doctor|physician|surgeon|dentist|pharmacist|engineer|developer|programmer|designer|lawyer|"
    r"attorney|accountant|chef|cook|baker|writer|author|novelist|journalist|editor|artist|painter|musician|"
    r"student|manager|consultant|scientist|researcher|professor|lecturer|therapist|counselor|counsellor|"
    r"firefighter|police[ ]officer|officer|pilot|driver|mechanic|electrician|plumber|carpenter|farmer|"
    r"photographer|architect|analyst|librarian|veterinarian|vet|paramedic|psychologist|social[ ]worker|"
    r"cashier|barista|waiter|waitress|bartender|salesperson|entrepreneur|freelancer|intern|coach|trainer|"
    r"athlete|player|dancer|actor|actress|singer|producer|filmmaker|director|secretary|clerk|banker|realtor|"
    r"agent|nanny|caregiver|tutor|instructor|soldier|guard|janitor|contractor|technician|specialist|"
    r"coordinator|administrator|receptionist|ceo|cto|cfo|founder|owner|retiree|housewife|homemaker|"
    r"stay-at-home[ ](?:mom|dad|parent)|volunteer|mentor|politician|pastor|priest|midwife|veterinary[ ]nurse"
)
_PROPER = r"[A-Z][\w'.&-]*(?:(?:\s+(?:of|the|de|del|la|le|du|upon|on|am|an|and))*\s+[A-Z][\w'.&-]*)*"
NEG = r"(?:don't|do[ ]not|didn't|did[ ]not|no[ ]longer|never|not|can't|cannot|won't|wouldn't)"
_LIKE_POS = (
    r"love|like|adore|enjoy|prefer|am[ ]into|'m[ ]into|am[ ]a[ ](?:big[ ]|huge[ ])?fan[ ]of|"
    r"'m[ ]a[ ](?:big[ ]|huge[ ])?fan[ ]of|am[ ]obsessed[ ]with|'m[ ]obsessed[ ]with|am[ ]passionate[ ]about|"
    r"'m[ ]passionate[ ]about|am[ ]crazy[ ]about|'m[ ]crazy[ ]about"
)
_LIKE_NEG = (
    r"hate|dislike|detest|loathe|can't[ ]stand|cannot[ ]stand|am[ ]not[ ]a[ ]fan[ ]of|'m[ ]not[ ]a[ ]fan[ ]of|"
    r"am[ ]not[ ]into|'m[ ]not[ ]into|am[ ]not[ ]a[ ]big[ ]fan[ ]of|'m[ ]not[ ]a[ ]big[ ]fan[ ]of"
)
_DIETS = r"vegetarian|vegan|pescatarian|pescetarian|flexitarian|keto|paleo|gluten[- ]free|dairy[- ]free"

_Build = Callable[[re.Match[str]], SlotMatch | None]
_EXPANSIONS = {"i'm": "I am", "im": "I am", "we're": "we are", "don't": "don't"}
_EXPAND = re.compile(r"(?<![\w'])(?:I'm|i'm|im|we're|We're)(?!\w)")


def _expand(sentence: str) -> str:
    return _EXPAND.sub(lambda m: _EXPANSIONS[m.group(0).lower()], sentence)


def _rule(name: str, pattern: str, build: _Build, *, flags: int = 0, examples: tuple[str, ...],
          counter: tuple[str, ...] = ()) -> Rule:
    compiled = verbose(pattern, flags)

    def accepts(text: str) -> bool:
        m = compiled.search(_expand(text))
        return m is not None and build(m) is not None

    return Rule(name, compiled, build, examples, counter, accepts)


def _age(m: re.Match[str]) -> SlotMatch | None:
    return SlotMatch("age", m.group("v")) if 0 < int(m.group("v")) < 120 else None


SLOT_RULES: tuple[Rule, ...] = (
    _rule("name", r"""
        \b(?i:my[ ]name)(?:'s|[ ]is)[ ](?P<v>[A-Z][\w'-]*(?:[ ][A-Z][\w'-]*)?)   # my name is Alice (Smith)
        | \b(?i:call[ ]me|I[ ]go[ ]by)[ ](?P<w>[A-Z]\w+)                       # call me Al, I go by Al
        """, lambda m: SlotMatch("name", m.group("v") or m.group("w")),
        examples=("My name is Alice.", "Please call me Bea.", "I go by Sam at work."),
        counter=("my name is not important", "call me later")),
    _rule("age", rf"""
        {_IM}(?:[ ]now)?[ ](?P<v>\d{{1,3}})                          # I'm (now) 34
        (?:[ ]years?[ ]old|[ ]yrs?[ ]old|[ ]y/?o)?                   # years old, yrs old, y/o
        (?=\s*(?:[.,!;]|$|years|[ ]and|[ ]now|[ ]this|[ ]but))       # and nothing else number-like after
        """, _age, flags=re.I,
        examples=("I'm 34 years old.", "I am 29 and I live in Oslo.", "I'm now 41."),
        counter=("I'm 5 minutes away", "I'm 200 years old")),
    _rule("age-turned", rf"""
        {_I}(?:[ ]just)?[ ]turned[ ](?P<v>\d{{1,3}})\b               # I (just) turned 40
        | \bmy[ ]age[ ]is[ ](?P<w>\d{{1,3}})                         # my age is 40
        """, lambda m: SlotMatch("age", m.group("v") or m.group("w"), change=bool(m.group("v"))),
        examples=("I just turned 40!", "my age is 52"), counter=("my son turned 4",)),
    _rule("favorite-is", r"""
        \bmy[ ](?P<new>new[ ])?(?:all-time[ ]|absolute[ ]|current[ ]|personal[ ])?favou?rite[ ]
        (?P<k>[a-z][\w -]{1,30}?)                                    # the kind: food, band, book series
        (?:[ ]of[ ]all[ ]time|[ ]right[ ]now|[ ]these[ ]days|[ ]at[ ]the[ ]moment)?
        [ ](?:is|are|was|has[ ]to[ ]be|would[ ]have[ ]to[ ]be|would[ ]be)
        (?:[ ]probably|[ ]definitely|[ ]still|[ ]now|[ ]currently)?
        [ ](?P<v>[^,.;!?]+)                                          # the value, up to punctuation
        """, favorite, flags=re.I,
        examples=("My favourite food is sushi.", "my new favorite band is Wet Leg",
                  "My all-time favorite movie would have to be Heat."),
        counter=("My favorite part is the ending.", "One of my favorite films is Heat.")),
    _rule("favorite-named", r"""
        \bmy[ ](?P<new>new[ ])?favou?rite[ ](?P<k>[a-z]+(?:[ ][a-z]+)?),?[ ]
        (?P<v>"[^"]+"|'[^']+'|[A-Z][\w'&-]*(?:[ ][A-Z][\w'&-]*)*)    # a quoted title or a Name
        """, favorite,
        examples=("Have you tried my favourite cafe, Blue Door?", "my favorite book 'Dune' is back in print"),
        counter=("my favorite thing about it",)),
    _rule("favorite-inverted", r"""
        ^(?:I[ ]think[ ]|honestly,?[ ])?
        (?P<v>[\w'" -]{2,40}?)[ ](?:is|are)[ ]                       # Sushi is ...
        (?:still[ ]|now[ ]|definitely[ ]|by[ ]far[ ])?my[ ](?P<new>new[ ])?favou?rite[ ]
        (?P<k>[a-z]+(?:[ ][a-z]+)?)\b                                # ... my favorite food
        """, favorite, flags=re.I,
        examples=("Sushi is my favorite food.", "I think Paris is still my favourite city."),
        counter=("It is my favorite thing.",)),
    _rule("pets", rf"""
        {_I}(?:'ve|[ ]have)?{_ADV}[ ](?:have|own|got|'ve[ ]got)[ ]
        (?P<n>{_NUM})[ ](?:\w+[ ]){{0,2}}?(?P<p>{_PET})\b            # I have two (little) dogs
        """, count("pet_count"), flags=re.I,
        examples=("I have two dogs.", "I've got 3 kittens", "I now own a couple of rescue cats."),
        counter=("I have two kids",)),
    _rule("pets-we", rf"""
        \bwe(?:'ve|[ ]have)?{_ADV}[ ](?:have|own|got)[ ]
        (?P<n>{_NUM})[ ](?:\w+[ ]){{0,2}}?(?P<p>{_PET})\b            # we have three cats
        """, count("pet_count"), flags=re.I,
        examples=("We have three cats.",), counter=("We have three kids.",)),
    _rule("pets-another", rf"""
        \b(?:I|we)(?:'ve|[ ]have)?{_ADV}[ ](?:adopted|got|rescued|brought[ ]home|took[ ]in|bought|welcomed)[ ]
        (?:a|our|my)[ ](?P<n>second|third|fourth|fifth|sixth|seventh|eighth)[ ](?:\w+[ ]){{0,2}}?(?P<p>{_PET})\b
        """, count("pet_count"), flags=re.I,
        examples=("We adopted a third cat last weekend!", "I just got my second dog."),
        counter=("We adopted a third child.",)),
    _rule("count-done", rf"""
        {_I}(?:'ve|[ ]have){_ADV}[ ]
        (?:run|ran|done|completed|finished|read|visited|written|published|climbed|won|watched|played|baked|seen|
           taken|been[ ]to|traveled[ ]to|travelled[ ]to|attended|hiked|earned|raised|lost|gained|adopted|
           fostered|planted|built|painted|made|sold|saved|rescued)[ ]
        (?:over[ ]|more[ ]than[ ]|about[ ]|almost[ ]|nearly[ ])?
        (?P<n>{_NUM})[ ](?:[a-z-]+[ ])??(?P<p>[a-z-]{{2,}}s)\b       # I have run 3 (full) marathons
        """, count("count"), flags=re.I,
        examples=("I have run 3 marathons so far.", "I've read over 40 books this year."),
        counter=("I have run 3 days in a row.",)),
    _rule("count-have", rf"""
        {_I}{_ADV}[ ](?:have|'ve[ ]got)[ ](?P<n>{_NUM})[ ]
        (?P<p>kids|children|sons|daughters|siblings|brothers|sisters|grandchildren|cars|bikes|houses|tattoos|jobs)\b
        """, count("count"), flags=re.I,
        examples=("I have two kids.", "I have 3 tattoos"), counter=("I have two dogs.", "My sister has two kids.")),
    _rule("ordinal", r"""
        \b(?:this[ ]is|that[ ]was|it[ ]was|it's|just[ ](?:ran|finished|completed|did))?[ ]?
        my[ ](?P<n>\d{1,3}(?:st|nd|rd|th)|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)[ ]
        (?P<p>marathon|race|triathlon|book|novel|album|tattoo|trip|visit|concert|tournament|child|baby|kid|dog|cat|
              car|job|film|movie|show|exhibition)\b                  # my 5th marathon
        """, ordinal, flags=re.I,
        examples=("It was my 5th marathon.", "This is my second tattoo."), counter=("my second thought",)),
    _rule("moved", rf"""
        (?:{_I}|\bwe)(?:'ve|[ ]have)?{_ADV}[ ](?P<chg>moved|relocated)[ ]
        (?:back[ ]|over[ ]|out[ ]|away[ ])?(?:to|into|in)[ ](?P<v>[^,.;!?]+)      # I (just) moved (back) to Berlin
        """, place("home", True), flags=re.I,
        examples=("I just moved to Berlin.", "We relocated to Lisbon last year."),
        counter=("I moved into a new flat.",)),
    _rule("lives", r"""
        (?<![\w'])(?:I|i|we|We)(?:[ ]am|[ ]are)?
        (?:\s+(?:now|currently|still|also|just|recently|finally|already|actually|really|officially|happily|newly))*
        [ ](?:live|living|reside|residing|based|settled)[ ](?:now[ ]|currently[ ])?(?:in|at)[ ]
        (?P<v>[^,.;!?]+)                                             # I live in Paris, we are based in Oslo
        """, place("home", False), flags=re.I,
        examples=("I live in Paris.", "I'm based in Porto.", "We are now living in Lyon."),
        counter=("I live in the moment.",)),
    _rule("home-is", r"""
        \bmy[ ](?:home|house|apartment|flat)[ ]is[ ](?:now[ ])?in[ ](?P<v>[^,.;!?]+)   # my flat is in Leith
        """, place("home", False), flags=re.I,
        examples=("My flat is in Leith.",), counter=("My house is in a mess.",)),
    _rule("hometown", rf"""
        (?:{_IM}(?:[ ]originally)?[ ]from                            # I'm (originally) from Sweden
          | {_I}[ ](?:grew[ ]up|was[ ]born[ ]and[ ]raised|was[ ]born|was[ ]raised)[ ]in   # I grew up in Cork
          | \bmy[ ]hometown[ ]is)                                    # my hometown is Ghent
        [ ](?P<v>[^,.;!?]+)
        """, place("hometown", False), flags=re.I,
        examples=("I'm originally from Sweden.", "I grew up in Cork.", "My hometown is Ghent."),
        counter=("I'm from a small town",)),
    _rule("job-works-as", rf"""
        {_I}(?:'ve|[ ]have)?{_ADV}[ ](?:work|worked|am[ ]working|'m[ ]working|been[ ]working)[ ]
        (?:now[ ]|currently[ ])?as[ ](?!(?:much|hard|long|well|many|often|fast|best|quickly|soon|usual)\b)
        (?:a[ ]|an[ ])?(?P<v>[^,.;!?]+)                              # I work as a software engineer
        """, plain("job", max_words=4), flags=re.I,
        examples=("I work as a software engineer.", "I've been working as a nurse"),
        counter=("I work as much as I can",)),
    _rule("job-new", rf"""
        {_I}{_ADV}[ ](?:got|started|accepted|took|landed|found|began|have|'ve[ ]got)[ ]
        (?:a[ ]|my[ ]|the[ ])?(?:new[ ])?(?:job|position|role|career)[ ]as[ ](?:a[ ]|an[ ])?
        (?P<v>[^,.;!?]+)                                             # I got a new job as a teacher
        """, plain("job", change=True, max_words=4), flags=re.I,
        examples=("I got a new job as a teacher.", "I accepted a position as an analyst."),
        counter=("I got a job",)),
    _rule("job-hired", rf"""
        {_I}{_ADV}[ ](?:was|got|have[ ]been|'ve[ ]been)[ ](?:hired|promoted|appointed)[ ](?:as|to)[ ]
        (?:a[ ]|an[ ]|the[ ])?(?P<v>[^,.;!?]+)                       # I got promoted to senior engineer
        """, plain("job", change=True, max_words=4), flags=re.I,
        examples=("I just got promoted to senior engineer!",), counter=("I was hired",)),
    _rule("job-is-a", rf"""
        (?:{_IM}{_ADV}                                               # I'm a nurse
          | {_I}{_ADV}[ ](?:became|got[ ]a[ ]job[ ]as|was[ ]hired[ ]as|got[ ]promoted[ ]to|am[ ]now))
        [ ](?:a[ ]|an[ ])?(?P<v>(?:[a-z-]+[ ]){{0,2}}(?:{_JOBS}))\b(?![ ]of|[ ]to)   # (head) nurse, not "fan of"
        """, plain("job", max_words=4), flags=re.I,
        examples=("I'm a nurse.", "I became a police officer.", "I'm a freelance graphic designer"),
        counter=("I'm a big fan of jazz", "I'm an owner of two cats")),
    _rule("employer-my-job-is-at", rf"""
        \b(?i:my)[ ](?P<new>(?i:new)[ ])?(?i:job|role|position)[ ]is[ ](?:now[ ])?(?:at|with|for)[ ](?:the[ ])?
        (?P<v>{_PROPER})                                             # my new job is at Beta Labs
        """, lambda m: SlotMatch("employer", trim(m.group("v"), 5), change=bool(m.group("new"))),
        examples=("My new job is at Beta Labs.", "My job is with the NHS now."), counter=("My job is at home.",)),
    _rule("job-my-job-is", r"""
        \bmy[ ](?:new[ ])?(?:job|role|position|profession|occupation)[ ]is[ ](?:as[ ])?(?:a[ ]|an[ ])?
        (?P<v>[^,.;!?]+)                                             # my job is a nurse
        """, plain("job", max_words=4), flags=re.I,
        examples=("My new role is product manager.",), counter=("My job is so stressful.",)),
    _rule("retired", rf"""
        {_IM}{_ADV}[ ](?P<v>retired)\b | {_I}{_ADV}[ ](?P<w>retired)\b      # I'm retired, I retired
        """, lambda m: SlotMatch("job", "retired", change=True), flags=re.I,
        examples=("I'm retired now.", "I retired last spring."), counter=("my dad retired",)),
    _rule("employer", rf"""
        {_I}(?:'ve|[ ]have)?{_ADV}[ ]
        (?:work|worked|am[ ]working|'m[ ]working|been[ ]working|got[ ]a[ ]job|started[ ]working|started[ ]a[ ]job|
           got[ ]hired|am[ ]employed|'m[ ]employed|accepted[ ]a[ ]job|took[ ]a[ ]job|interned)
        (?:[ ]now|[ ]currently)?[ ](?:at|for|by|with)[ ](?P<v>{_PROPER})   # I work at Google (case-sensitive)
        """, plain("employer", change=False, max_words=5),
        examples=("I work at Google now.", "I started working for Acme Corp in May."),
        counter=("I work at home",)),
    _rule("relationship", rf"""
        {_IM}{_ADV}[ ](?P<neg>not[ ])?
        (?P<v>married|single|divorced|engaged|widowed|separated|in[ ]a[ ]relationship|dating[ ]someone|
              seeing[ ]someone)\b                                    # I'm (not) married
        """, plain("relationship_status"), flags=re.I,
        examples=("I'm single.", "I am engaged!", "I'm not married."), counter=("I'm marrying Tom",)),
    _rule("relationship-got", rf"""
        {_I}{_ADV}[ ]got[ ](?P<v>married|divorced|engaged|separated)\b      # I got married
        """, plain("relationship_status", change=True), flags=re.I,
        examples=("I got divorced last year.",), counter=("My sister got married.",)),
    _rule("relationship-ended", rf"""
        (?:{_I}|\bwe){_ADV}[ ](?:broke[ ]up|split[ ]up|called[ ]it[ ]quits)\b   # we broke up
        """, lambda m: SlotMatch("relationship_status", "single", change=True), flags=re.I,
        examples=("We broke up in June.", "I finally split up with him."), counter=("they broke up",)),
    _rule("diet", rf"""
        (?:{_IM}|{_I}[ ](?P<chg>went|became|turned|have[ ]been|'ve[ ]been))(?:{_ADV})[ ]
        (?P<neg>not[ ]|no[ ]longer[ ])?(?:a[ ]|an[ ]|fully[ ]|strictly[ ]|mostly[ ])?
        (?P<v>{_DIETS})\b                                            # I'm vegetarian, I went vegan
        """, diet, flags=re.I,
        examples=("I'm not vegetarian anymore.", "I went vegan in 2020.", "I am a vegetarian."),
        counter=("My sister is vegan.",)),
    _rule("diet-stopped", rf"""
        {_I}{_ADV}[ ](?P<neg>stopped[ ]being|quit[ ]being|gave[ ]up[ ]being)[ ](?:a[ ]|an[ ])?
        (?P<v>vegetarian|vegan|pescatarian)\b                        # I stopped being vegan
        """, lambda m: SlotMatch("diet", m.group("v").lower(), negated=True, change=True), flags=re.I,
        examples=("I stopped being vegan last year.",), counter=("I stopped eating meat",)),
    _rule("likes", rf"""
        (?<!\w)(?:I|i)
        (?:[ ]really|[ ]absolutely|[ ]totally|[ ]just|[ ]also|[ ]still|[ ]truly|[ ]do|[ ]kinda|[ ]kind[ ]of|
           [ ]sort[ ]of|[ ]genuinely|[ ]honestly)*
        [ ](?P<neg>{NEG}[ ]|no[ ]longer[ ])?(?:really[ ]|particularly[ ]|even[ ]|much[ ])?
        (?:(?P<good>{_LIKE_POS})|(?P<bad>{_LIKE_NEG}))               # I (don't) love / hate
        \s+(?P<v>[^,.;!?]+)                                          # what, up to punctuation
        """, likes,
        examples=("I love sushi.", "I don't like sushi anymore.", "I hate cilantro", "I'm a huge fan of jazz."),
        counter=("I love it", "I like that you asked", "I love to think about it")),
)  # fmt: skip


def _slot_rules() -> Iterator[Rule]:
    return iter(SLOT_RULES)


register("slots", _slot_rules)


def find_slot(sentence: str) -> SlotMatch | None:
    """The first single-valued fact stated in a first-person sentence, if any.

    Example::

        >>> find_slot("I have two dogs")
        SlotMatch(key='pet_count:dog', value='2', negated=False, change=False)
        >>> find_slot("I don't like sushi anymore").key
        'likes:sushi'
    """
    text = _expand(sentence)
    for rule in SLOT_RULES:
        m = rule.pattern.search(text)
        if m:
            slot: SlotMatch | None = rule.action(m)
            if slot is not None:
                return slot
    return None
