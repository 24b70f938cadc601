"""Time expressions: event dates at ingestion, date ranges at recall."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from recallr.language.dates import (
    TimeSpan,
    asks_for_date,
    event_span,
    find_time_expression,
    format_span,
    query_date_range,
    with_absolute_date,
)

REF = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)  # a Monday


def at(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=UTC)


def bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """Whole UTC days ``first``..``last``."""
    return (datetime.combine(first, time.min, UTC), datetime.combine(last or first, time.max, UTC))


D = date

RESOLVE_CASES = [
    # relative days
    pytest.param("Caroline went to a support group yesterday.", REF, D(2023, 5, 7), None, "day", True,
                 "yesterday", id="yesterday"),
    pytest.param("I feel great today", REF, D(2023, 5, 8), None, "day", True, "today", id="today"),
    pytest.param("We're going to a concert tonight", REF, D(2023, 5, 8), None, "day", True, "tonight",
                 id="tonight"),
    pytest.param("I ran 5k this morning", REF, D(2023, 5, 8), None, "day", True, "this morning",
                 id="this-morning"),
    pytest.param("I slept badly last night", REF, D(2023, 5, 7), None, "day", True, "last night",
                 id="last-night"),
    pytest.param("She called the day before yesterday", REF, D(2023, 5, 6), None, "day", True,
                 "the day before yesterday", id="day-before-yesterday"),
    pytest.param("I have an exam tomorrow", REF, D(2023, 5, 9), None, "day", True, "tomorrow", id="tomorrow"),
    pytest.param("Yesterday evening we cooked", REF, D(2023, 5, 7), None, "day", True, "Yesterday evening",
                 id="yesterday-evening"),
    # weekdays
    pytest.param("We met last Monday", REF, D(2023, 5, 1), None, "day", True, "last Monday", id="last-monday"),
    pytest.param("He visited Paris on Friday", REF, D(2023, 5, 5), None, "day", True, "on Friday",
                 id="on-friday"),
    pytest.param("I saw her last Friday", REF, D(2023, 5, 5), None, "day", True, "last Friday",
                 id="last-friday"),
    pytest.param("I did that last week", REF, D(2023, 5, 1), D(2023, 5, 7), "week", True, "last week",
                 id="that-last-week"),
    pytest.param("The party is next Friday", REF, D(2023, 5, 12), None, "day", True, "next Friday",
                 id="next-friday"),
    pytest.param("I will see her on Friday", REF, D(2023, 5, 12), None, "day", True, "on Friday",
                 id="on-friday-future"),
    pytest.param("Dinner this Friday", REF, D(2023, 5, 12), None, "day", True, "this Friday", id="this-friday"),
    pytest.param("The party is next Friday", at(2023, 5, 12), D(2023, 5, 19), None, "day", True,
                 "next Friday", id="next-friday-said-on-friday"),
    # weeks, weekends, months, years
    pytest.param("She started a new job last week", REF, D(2023, 5, 1), D(2023, 5, 7), "week", True,
                 "last week", id="last-week"),
    pytest.param("I'm busy this week", REF, D(2023, 5, 8), D(2023, 5, 14), "week", True, "this week",
                 id="this-week"),
    pytest.param("We fly next week", REF, D(2023, 5, 15), D(2023, 5, 21), "week", True, "next week",
                 id="next-week"),
    pytest.param("We went camping last weekend", REF, D(2023, 5, 6), D(2023, 5, 7), "weekend", True,
                 "last weekend", id="last-weekend"),
    pytest.param("Any plans this weekend?", REF, D(2023, 5, 13), D(2023, 5, 14), "weekend", True,
                 "this weekend", id="this-weekend"),
    pytest.param("I painted over the weekend", REF, D(2023, 5, 6), D(2023, 5, 7), "weekend", True,
                 "over the weekend", id="over-the-weekend"),
    pytest.param("I changed jobs last month", REF, D(2023, 4, 1), D(2023, 4, 30), "month", True, "last month",
                 id="last-month"),
    pytest.param("We move next month", REF, D(2023, 6, 1), D(2023, 6, 30), "month", True, "next month",
                 id="next-month"),
    pytest.param("Rent went up this month", REF, D(2023, 5, 1), D(2023, 5, 31), "month", True, "this month",
                 id="this-month"),
    pytest.param("I moved to Berlin last year", REF, D(2022, 1, 1), D(2022, 12, 31), "year", True,
                 "last year", id="last-year"),
    pytest.param("I retire next year", REF, D(2024, 1, 1), D(2024, 12, 31), "year", True, "next year",
                 id="next-year"),
    # counted and vague
    pytest.param("Caroline ran a race two weeks ago", REF, D(2023, 4, 24), D(2023, 4, 30), "week", True,
                 "two weeks ago", id="two-weeks-ago"),
    pytest.param("I adopted a cat 3 days ago", REF, D(2023, 5, 5), None, "day", True, "3 days ago",
                 id="3-days-ago"),
    pytest.param("I got sick eleven days ago", REF, D(2023, 4, 27), None, "day", True, "eleven days ago",
                 id="number-word-eleven"),
    pytest.param("We spoke a few days ago", REF, D(2023, 5, 3), D(2023, 5, 6), "range", True, "a few days ago",
                 id="a-few-days-ago"),
    pytest.param("I quit a couple of months ago", REF, D(2023, 3, 1), D(2023, 3, 31), "month", True,
                 "a couple of months ago", id="a-couple-of-months-ago"),
    pytest.param("I graduated a year ago", REF, D(2022, 1, 1), D(2022, 12, 31), "year", True, "a year ago",
                 id="a-year-ago"),
    pytest.param("I have been stressed recently", REF, D(2023, 4, 8), D(2023, 5, 8), "range", True,
                 "recently", id="recently"),
    pytest.param("It rained in the past two weeks", REF, D(2023, 4, 24), D(2023, 5, 8), "range", True,
                 "in the past two weeks", id="in-the-past-two-weeks"),
    pytest.param("I've been here since last week", REF, D(2023, 5, 1), D(2023, 5, 8), "range", True,
                 "since last week", id="since-last-week"),
    # months, explicit dates, years, seasons
    pytest.param("I moved to Berlin in 2019", REF, D(2019, 1, 1), D(2019, 12, 31), "year", False, "in 2019",
                 id="in-2019"),
    pytest.param("Melanie painted a sunrise in May", REF, D(2023, 5, 1), D(2023, 5, 31), "month", True,
                 "in May", id="in-may-during-may"),
    pytest.param("We married in June", REF, D(2022, 6, 1), D(2022, 6, 30), "month", True, "in June",
                 id="in-june-is-last-june"),
    pytest.param("I'm going to Rome in June", REF, D(2023, 6, 1), D(2023, 6, 30), "month", True, "in June",
                 id="in-june-future"),
    pytest.param("We married in May 2022", REF, D(2022, 5, 1), D(2022, 5, 31), "month", False, "in May 2022",
                 id="in-may-2022"),
    pytest.param("She moved last May", REF, D(2022, 5, 1), D(2022, 5, 31), "month", True, "last May",
                 id="last-may"),
    pytest.param("We met on March 3rd", REF, D(2023, 3, 3), None, "day", True, "on March 3rd",
                 id="on-march-3rd"),
    pytest.param("We met on the 3rd of March", REF, D(2023, 3, 3), None, "day", True, "on the 3rd of March",
                 id="the-3rd-of-march"),
    pytest.param("It began March 3, 2021", REF, D(2021, 3, 3), None, "day", False, "March 3, 2021",
                 id="march-3-2021"),
    pytest.param("It began 3 March 2021", REF, D(2021, 3, 3), None, "day", False, "3 March 2021",
                 id="3-march-2021"),
    pytest.param("The party was on 7 May 2023", REF, D(2023, 5, 7), None, "day", False, "on 7 May 2023",
                 id="7-may-2023"),
    pytest.param("Logged on 2023-05-07", REF, D(2023, 5, 7), None, "day", False, "on 2023-05-07", id="iso"),
    pytest.param("We met on February 29th", REF, D(2020, 2, 29), None, "day", True, "on February 29th",
                 id="leap-day-without-year"),
    pytest.param("I moved at the end of March", REF, D(2023, 3, 21), D(2023, 3, 31), "range", True,
                 "at the end of March", id="end-of-march"),
    pytest.param("We went to Spain last summer", REF, D(2022, 6, 1), D(2022, 8, 31), "range", True,
                 "last summer", id="last-summer-before-june"),
    pytest.param("The form is dated 5/7/2023", REF, D(2023, 5, 7), None, "day", False, "5/7/2023",
                 id="numeric-date-via-dateparser"),
    pytest.param("I MOVED LAST WEEK", REF, D(2023, 5, 1), D(2023, 5, 7), "week", True, "LAST WEEK",
                 id="case-insensitive"),
    pytest.param("I may go hiking tomorrow", REF, D(2023, 5, 9), None, "day", True, "tomorrow",
                 id="modal-may-then-tomorrow"),
    # month / year boundaries
    pytest.param("I changed jobs last month", at(2024, 1, 3), D(2023, 12, 1), D(2023, 12, 31), "month", True,
                 "last month", id="last-month-in-january"),
    pytest.param("It was last week", at(2024, 1, 1), D(2023, 12, 25), D(2023, 12, 31), "week", True,
                 "last week", id="last-week-across-new-year"),
    pytest.param("It was yesterday", at(2024, 1, 1), D(2023, 12, 31), None, "day", True, "yesterday",
                 id="yesterday-on-new-year"),
    pytest.param("It was last year", at(2024, 1, 1), D(2023, 1, 1), D(2023, 12, 31), "year", True,
                 "last year", id="last-year-on-new-year"),
    pytest.param("We move next month", at(2023, 12, 15), D(2024, 1, 1), D(2024, 1, 31), "month", True,
                 "next month", id="next-month-in-december"),
    pytest.param("It snowed in December", at(2024, 1, 3), D(2023, 12, 1), D(2023, 12, 31), "month", True,
                 "in December", id="in-december-said-in-january"),
    pytest.param("I quit a couple of months ago", at(2024, 1, 15), D(2023, 11, 1), D(2023, 11, 30), "month",
                 True, "a couple of months ago", id="couple-of-months-across-year"),
    pytest.param("Caroline ran a race two weeks ago", at(2023, 1, 2), D(2022, 12, 19), D(2022, 12, 25), "week",
                 True, "two weeks ago", id="two-weeks-ago-across-year"),
    pytest.param("We hiked last weekend", at(2023, 5, 1), D(2023, 4, 29), D(2023, 4, 30), "weekend", True,
                 "last weekend", id="last-weekend-across-month"),
    pytest.param("We hiked last weekend", at(2023, 5, 14), D(2023, 5, 6), D(2023, 5, 7), "weekend", True,
                 "last weekend", id="last-weekend-said-on-sunday"),
    pytest.param("We went to Spain last summer", at(2023, 9, 10), D(2023, 6, 1), D(2023, 8, 31), "range", True,
                 "last summer", id="last-summer-in-september"),
    pytest.param("We went to Spain last summer", at(2023, 7, 10), D(2022, 6, 1), D(2022, 8, 31), "range", True,
                 "last summer", id="last-summer-during-summer"),
    pytest.param("It is cold this winter", at(2024, 1, 10), D(2023, 12, 1), D(2024, 2, 29), "range", True,
                 "this winter", id="this-winter-across-year"),
]


@pytest.mark.parametrize(("text", "ref", "first", "last", "granularity", "relative", "expression"),
                         RESOLVE_CASES)
def test_find_time_expression(text: str, ref: datetime, first: date, last: date | None, granularity: str,
                              relative: bool, expression: str) -> None:
    span = find_time_expression(text, ref)
    assert span is not None
    assert (span.start, span.end) == bounds(first, last)
    assert (span.granularity, span.relative, span.expression) == (granularity, relative, expression)
    assert span.start.tzinfo is UTC and span.end.tzinfo is UTC


@pytest.mark.parametrize("text", [
    pytest.param("I may go to the gym.", id="may-modal"),
    pytest.param("You may like it.", id="may-modal-you"),
    pytest.param("This may take a while.", id="this-may-modal"),
    pytest.param("May I ask you something?", id="may-sentence-start"),
    pytest.param("We went to the park together.", id="we-is-not-wednesday"),
    pytest.param("My second child is learning to read.", id="second-child"),
    pytest.param("We march on.", id="march-verb"),
    pytest.param("The kids march 3 miles.", id="march-verb-with-number"),
    pytest.param("It took a day to finish.", id="a-day-without-ago"),
    pytest.param("I have 3 kids.", id="plain-number"),
    pytest.param("My son is 2 years old.", id="years-old"),
    pytest.param("I go to Sunday school.", id="sunday-school"),
    pytest.param("Sunday is my favourite day.", id="bare-weekday"),
    pytest.param("She loves the summer.", id="bare-season"),
    pytest.param("I fall asleep easily.", id="fall-verb"),
    pytest.param("I met June at the party.", id="june-name"),
    pytest.param("My last year of college was hard.", id="my-last-year"),
    pytest.param("The next week was hard.", id="narrative-next-week"),
    pytest.param("I don't know what t means.", id="t-is-not-a-time"),
    pytest.param("I paid 2000 dollars for it.", id="number-like-year"),
    pytest.param("I like green tea.", id="no-trigger"),
])
def test_no_time_expression(text: str) -> None:
    assert find_time_expression(text, REF) is None


def test_earlier_today_ends_at_the_reference() -> None:
    span = find_time_expression("I said it earlier today", REF)
    assert span is not None
    assert (span.start, span.end, span.granularity) == (bounds(D(2023, 5, 8))[0], REF, "day")


def test_event_span_falls_back_to_an_instant() -> None:
    assert event_span("I like green tea.", REF) == TimeSpan(REF, REF, "instant", "", False)
    assert event_span("I moved in 2019.", REF).granularity == "year"


def test_naive_reference_is_utc() -> None:
    span = find_time_expression("yesterday", datetime(2023, 5, 8, 13, 56))
    assert span is not None and (span.start, span.end) == bounds(D(2023, 5, 7))
    assert event_span("hello", datetime(2023, 5, 8, 13, 56)).start == REF


def test_calendar_arithmetic_uses_the_reference_zone() -> None:
    la = ZoneInfo("America/Los_Angeles")
    ref = datetime(2023, 5, 7, 20, 0, tzinfo=la)  # already 8 May in UTC
    span = find_time_expression("We met yesterday", ref)
    assert span is not None
    assert span.start == datetime(2023, 5, 6, 7, 0, tzinfo=UTC)
    assert span.start.tzinfo is UTC
    assert format_span(span) == format_span(span, la) == "6 May 2023"


def test_no_third_party_parser_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every format, numeric dates included, is read by the rules: importing dateparser would fail here."""
    monkeypatch.setitem(sys.modules, "dateparser", None)
    for case in RESOLVE_CASES:
        text, ref = case.values[0], case.values[1]
        assert find_time_expression(str(text), ref) is not None, case.id  # type: ignore[arg-type]


@pytest.mark.parametrize(("statement", "expected"), [
    pytest.param("Caroline went to an LGBTQ support group yesterday.",
                 "On 7 May 2023, Caroline went to an LGBTQ support group.", id="day-name-kept"),
    pytest.param("I went to an LGBTQ support group yesterday",
                 "On 7 May 2023, I went to an LGBTQ support group", id="day-no-period"),
    pytest.param("Yesterday, we went hiking.", "On 7 May 2023, we went hiking.", id="leading-with-comma"),
    pytest.param("She started a new job last week.", "In the week of 1 May 2023, she started a new job.",
                 id="week"),
    pytest.param("We went camping last weekend.", "On the weekend of 6-7 May 2023, we went camping.",
                 id="weekend"),
    pytest.param("I moved to Berlin last year.", "In 2022, I moved to Berlin.", id="year"),
    pytest.param("He visited Paris on Friday and loved it.", "On 5 May 2023, he visited Paris and loved it.",
                 id="mid-sentence-with-preposition"),
    pytest.param("Yesterday's meeting went well.", "On 7 May 2023, the meeting went well.", id="possessive"),
    pytest.param("A few days ago I adopted a cat.", "Between 3 and 6 May 2023, I adopted a cat.", id="range"),
    pytest.param("I went there back in June, it was nice.", "In June 2022, I went there, it was nice.",
                 id="month-dangling-back"),
    pytest.param("Two weeks ago, Caroline ran a charity race.",
                 "In the week of 24 April 2023, Caroline ran a charity race.", id="weeks-ago"),
    pytest.param("I've been stressed lately.", "In the weeks before 8 May 2023, I've been stressed.",
                 id="vague-recent"),
    pytest.param("I moved to Berlin in 2019.", "I moved to Berlin in 2019.", id="absolute-unchanged"),
    pytest.param("I like green tea.", "I like green tea.", id="instant-unchanged"),
])
def test_with_absolute_date(statement: str, expected: str) -> None:
    assert with_absolute_date(statement, event_span(statement, REF)) == expected


def test_with_absolute_date_month() -> None:
    statement = "Melanie painted a sunrise in May."
    span = event_span(statement, at(2023, 6, 8))
    assert with_absolute_date(statement, span) == "In May 2023, Melanie painted a sunrise."


def _span(first: date, last: date, granularity: str) -> TimeSpan:
    start, end = bounds(first, last)
    return TimeSpan(start, end, granularity, "x", True)  # type: ignore[arg-type]


@pytest.mark.parametrize(("span", "tz", "expected"), [
    pytest.param(_span(D(2023, 5, 7), D(2023, 5, 7), "day"), UTC, "7 May 2023", id="day"),
    pytest.param(_span(D(2023, 5, 7), D(2023, 5, 7), "day"), ZoneInfo("Asia/Tokyo"), "7 May 2023",
                 id="day-in-tokyo"),
    pytest.param(_span(D(2023, 5, 7), D(2023, 5, 7), "day"), ZoneInfo("America/New_York"), "7 May 2023",
                 id="day-in-new-york"),
    pytest.param(_span(D(2023, 5, 1), D(2023, 5, 7), "week"), UTC, "week of 1 May 2023", id="week"),
    pytest.param(_span(D(2023, 5, 6), D(2023, 5, 7), "weekend"), UTC, "weekend of 6-7 May 2023", id="weekend"),
    pytest.param(_span(D(2023, 9, 30), D(2023, 10, 1), "weekend"), UTC,
                 "weekend of 30 September-1 October 2023", id="weekend-across-months"),
    pytest.param(_span(D(2023, 5, 1), D(2023, 5, 31), "month"), UTC, "May 2023", id="month"),
    pytest.param(_span(D(2019, 1, 1), D(2019, 12, 31), "year"), UTC, "2019", id="year"),
    pytest.param(_span(D(2023, 5, 3), D(2023, 5, 6), "range"), UTC, "3-6 May 2023", id="range"),
    pytest.param(_span(D(2022, 12, 28), D(2023, 1, 2), "range"), UTC, "28 December 2022-2 January 2023",
                 id="range-across-years"),
    pytest.param(_span(D(2022, 6, 1), D(2022, 8, 31), "range"), UTC, "June-August 2022", id="range-of-months"),
    pytest.param(TimeSpan(at(2023, 5, 8, 23), at(2023, 5, 8, 23), "instant", "", False), ZoneInfo("Asia/Tokyo"),
                 "9 May 2023 08:00", id="instant-in-tokyo"),
])
def test_format_span(span: TimeSpan, tz: ZoneInfo, expected: str) -> None:
    assert format_span(span, tz) == expected


@pytest.mark.parametrize(("query", "ref", "first", "last", "granularity"), [
    pytest.param("What did I do last week?", REF, D(2023, 5, 1), D(2023, 5, 7), "week", id="q-last-week"),
    pytest.param("What have I done this week?", REF, D(2023, 5, 8), D(2023, 5, 14), "week", id="q-this-week"),
    pytest.param("What did I buy last month?", REF, D(2023, 4, 1), D(2023, 4, 30), "month", id="q-last-month"),
    pytest.param("What did I do in May?", REF, D(2023, 5, 1), D(2023, 5, 31), "month", id="q-in-may-during-may"),
    pytest.param("What did I do in May?", at(2024, 4, 3), D(2023, 5, 1), D(2023, 5, 31), "month",
                 id="q-in-may-before-may"),
    pytest.param("what did i do in may", at(2023, 12, 20), D(2023, 5, 1), D(2023, 5, 31), "month",
                 id="q-in-may-lowercase"),
    pytest.param("Where did I travel in 2022?", REF, D(2022, 1, 1), D(2022, 12, 31), "year", id="q-in-2022"),
    pytest.param("What did I eat yesterday?", REF, D(2023, 5, 7), D(2023, 5, 7), "day", id="q-yesterday"),
    pytest.param("What did I do last weekend?", REF, D(2023, 5, 6), D(2023, 5, 7), "weekend",
                 id="q-last-weekend"),
    pytest.param("Who did I meet two days ago?", REF, D(2023, 5, 6), D(2023, 5, 6), "day", id="q-two-days-ago"),
    pytest.param("What have I been reading recently?", REF, D(2023, 4, 8), D(2023, 5, 8), "range",
                 id="q-recently"),
    pytest.param("Anything new lately?", REF, D(2023, 4, 8), D(2023, 5, 8), "range", id="q-lately"),
    pytest.param("Where did I go last year?", REF, D(2022, 1, 1), D(2022, 12, 31), "year", id="q-last-year"),
    pytest.param("How many books this year?", REF, D(2023, 1, 1), D(2023, 12, 31), "year", id="q-this-year"),
    pytest.param("What did I do on Monday?", REF, D(2023, 5, 1), D(2023, 5, 1), "day", id="q-on-monday"),
    pytest.param("May I ask what I did last week?", REF, D(2023, 5, 1), D(2023, 5, 7), "week",
                 id="q-may-i-ask"),
])
def test_query_date_range(query: str, ref: datetime, first: date, last: date, granularity: str) -> None:
    span = query_date_range(query, ref)
    assert span is not None
    assert ((span.start, span.end), span.granularity) == (bounds(first, last), granularity)


def test_query_earlier_today() -> None:
    span = query_date_range("What did I say earlier today?", REF)
    assert span is not None and (span.start, span.end) == (bounds(D(2023, 5, 8))[0], REF)


@pytest.mark.parametrize("query", [
    pytest.param("When did I go to Paris?", id="asks-when"),
    pytest.param("What's my favourite colour?", id="no-time"),
    pytest.param("May I ask what my dog's name is?", id="may-i-ask"),
])
def test_query_without_range(query: str) -> None:
    assert query_date_range(query, REF) is None


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("When did I go to Paris?", True, id="when-did"),
    pytest.param("when was my last checkup", True, id="when-was-lowercase"),
    pytest.param("When's my dentist appointment?", True, id="whens"),
    pytest.param("So when did we meet?", True, id="so-when"),
    pytest.param("What date was the party?", True, id="what-date"),
    pytest.param("How long ago did I move?", True, id="how-long-ago"),
    pytest.param("What year did I graduate?", True, id="what-year"),
    pytest.param("Which month did we meet?", True, id="which-month"),
    pytest.param("Do you remember when I adopted my dog?", True, id="remember-when"),
    pytest.param("What did I do last week?", False, id="range-not-date"),
    pytest.param("What did I eat when I was in Paris?", False, id="when-as-conjunction"),
    pytest.param("When I was in Paris, what did I eat?", False, id="when-clause-first"),
    pytest.param("Where do I live?", False, id="where"),
])
def test_asks_for_date(query: str, expected: bool) -> None:
    assert asks_for_date(query) is expected


DEC_REF = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize(("statement", "expected"), [
    pytest.param("My sister's birthday is on 3 March.", "My sister's birthday is on 3 March, every year.",
                 id="yearly-birthday-says-it-recurs"),
    pytest.param("My birthday is March 3rd and I want a cake.",
                 "My birthday is 3 March, every year, and I want a cake.", id="yearly-mid-sentence"),
    pytest.param("Every year on 4 July we have a barbecue.", "Every year on 4 July we have a barbecue.",
                 id="yearly-already-said"),
    pytest.param("Our anniversary is on Valentine's Day.",
                 "Our anniversary is on Valentine's Day (14 February), every year.", id="yearly-holiday"),
    pytest.param("I was born on April 2nd.", "I was born on 2 April (a birthday every year).", id="date-of-birth"),
    pytest.param("The meeting is tomorrow.", "The meeting is on 2 December 2026.", id="complement-kept-in-place"),
    pytest.param("Tomorrow is my last day at work.", "2 December 2026 is my last day at work.", id="date-as-subject"),
    pytest.param("It's due by Friday.", "It's due by 4 December 2026.", id="deadline-keeps-by"),
    pytest.param("The party is on Saturday at Sam's place.", "The party is on 5 December 2026 at Sam's place.",
                 id="copula-then-date-mid-sentence"),
    pytest.param("We spent Christmas in Vienna.", "On 25 December 2025, we spent Christmas in Vienna.",
                 id="holiday-as-object-stays"),
    pytest.param("I'm flying home on Christmas Eve.", "On 24 December 2026 (Christmas Eve), I'm flying home.",
                 id="holiday-named-in-opener"),
    pytest.param("We spent the weekend in Bruges.", "We spent the weekend of 28-29 November 2026 in Bruges.",
                 id="weekend-as-object"),
    pytest.param("I went to the dentist on Monday.", "On 30 November 2026, I went to the dentist.",
                 id="past-weekday-moves-out"),
])
def test_with_absolute_date_keeps_clauses_whole(statement: str, expected: str) -> None:
    rewritten = with_absolute_date(statement, event_span(statement, DEC_REF))
    assert rewritten == expected
    assert not rewritten.rstrip(".").endswith((" is", " are", " was", " by", " on"))


@pytest.mark.parametrize("text", [
    pytest.param("We're going to the Christmas market.", id="holiday-as-modifier"),
    pytest.param("Merry Christmas!", id="greeting"),
    pytest.param("I love Halloween.", id="liking"),
    pytest.param("I want a fresh start in the new year.", id="new-year-lowercase"),
    pytest.param("This might be the first!", id="ordinal-word-without-preposition"),
    pytest.param("I live on the 3rd floor.", id="ordinal-floor"),
    pytest.param("I work Monday to Friday.", id="weekday-range-habit"),
    pytest.param("Thank God it's Friday!", id="its-friday"),
    pytest.param("I read the whole book in two days.", id="duration-not-date"),
    pytest.param("I go to the gym three times in a week.", id="rate-not-date"),
])
def test_no_time_expression_in_new_families(text: str) -> None:
    assert find_time_expression(text, DEC_REF) is None


def test_a_yearly_date_does_not_filter_recall() -> None:
    span = find_time_expression("My birthday is on 3 March, right?", DEC_REF)
    assert span is not None and span.recurring and (span.start.date(), span.end.date()) == (D(2027, 3, 3),) * 2
    assert query_date_range("My birthday is on 3 March, right?", DEC_REF) is None
