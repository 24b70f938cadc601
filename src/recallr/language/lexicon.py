"""One lexicon: the word tables that extraction, dates, categories and recall share.

Pure data, no I/O. Each table names its use; the stopword sets differ on purpose (what counts as
filler in a conversation is not what counts as noise in a category description or a recall query).

    >>> NUMBER_WORDS[3], ORDINAL_WORDS[0], MONTH_NAMES[4], WEEKDAYS[0]
    ('three', 'first', 'May', 'monday')
    >>> "the" in STOPWORDS and "the" in QUERY_STOPWORDS and "the" in CATEGORY_STOPWORDS
    True
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal block (keeps long word lists readable)."""
    return frozenset(text.split())


#: Cardinals by value: ``NUMBER_WORDS[n]`` spells ``n`` (0-20).
NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip

#: Ordinals by value less one: ``ORDINAL_WORDS[n - 1]`` spells the ``n``th (1-19).
ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
)  # fmt: skip

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

#: Lowercase, Monday first (``date.weekday()`` order).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Words of a conversation that carry no fact on their own (extraction's filler test).
STOPWORDS = word_set(
    """a an the and or but if so of to in on at for with by from as about into over after before up down out off than
    then too also just very really quite pretty much many more most some any all each every both either this that
    these those it its it's there here where when what which who whom whose why how i i'm i've i'd i'll me my mine
    myself we we're we've we'd we'll us our ours ourselves you you're you've you'd you'll your yours yourself he she
    him her his hers they them their theirs themselves one ones someone is are was were be been being am do does did
    doing done have has had having can could will would shall should may might must can't couldn't won't wouldn't
    don't doesn't didn't isn't aren't wasn't weren't haven't hasn't hadn't not no yes yeah oh wow hey hi hello ok
    okay well like just now still even ever never always again already yet soon later lately today tonight tomorrow
    yesterday get got gets getting go goes going went gone make makes made let let's lets say said says thing things
    stuff something anything everything nothing way lot lots bit kind sort gonna wanna gotta that's what's there's
    here's let's who's how's where's when's sure definitely totally absolutely certainly especially though although
    while because since until through without within"""
)

#: Words a category's name or description shares with everything (category matching ignores them).
CATEGORY_STOPWORDS = word_set(
    """a an the and or but of to in on at for with by from as is are was were be been being it its this that these
    those user user's person people their they them he she his her who what which about into over than then has have
    had do does did not no so such any all other others anything things thing etc e g where when how why new more
    some beyond also just very really"""
)

#: Words of a recall query that do not help find anything.
QUERY_STOPWORDS = word_set("""a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
off on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves tell remember know think thing things
like get got going go went yes yeah oh ok okay hey hi hello really also much many lot well still ever""")
