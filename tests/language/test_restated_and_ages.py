"""Pure text rules behind recall's updates said in passing (``language/restated.py``) and line ages
(``language/dates/ages.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from recallr.language.dates.ages import age_text, asks_about_time
from recallr.language.restated import restates_with_new_value


@pytest.mark.parametrize(("earlier", "later"), [
    pytest.param("User has read 14 books this year.", "User has now read 22 books this year.", id="count-grew"),
    pytest.param("User's brother Sam lives in Leeds.", "User's brother Sam just moved to Bristol.", id="name-changed"),
    pytest.param("User runs three times a week before work.", "User runs five times a week before work now.",
                 id="number-word"),
    pytest.param("On 4 April 2024, User signed up for the Berlin half marathon.",
                 "On 9 June 2024, User signed up for the Vienna half marathon instead.", id="dated-openers"),
    pytest.param("Nina moved to Oslo.", "Nina moved back to the countryside.", id="short-statements"),
    pytest.param("User keeps their road bike at their office in Camden.",
                 "Since User now keeps their road bike at their office in Hackney, User cycles to work.",
                 id="subject-after-a-subordinator"),
])
def test_a_later_statement_with_another_value_restates(earlier: str, later: str) -> None:
    assert restates_with_new_value(earlier, later)


@pytest.mark.parametrize(("earlier", "later"), [
    pytest.param("User has a cat named Luna.", "User's cat Luna sleeps on the piano.", id="same-values-more-detail"),
    pytest.param("User has a cat named Luna.", "User has a parrot named Kiwi.", id="different-thing"),
    pytest.param("User works in Madrid.", "User loves Madrid in autumn.", id="same-name-other-fact"),
    pytest.param("User has 2 sisters.", "Anna has 3 sisters.", id="other-subject"),
    pytest.param("Assistant recommended 3 books.", "Assistant recommended 5 books.", id="assistant-statements"),
    pytest.param("User bought 4 apples.", "User bought 4 apples.", id="nothing-new"),
])
def test_look_alikes_are_not_updates(earlier: str, later: str) -> None:
    assert not restates_with_new_value(earlier, later)


@pytest.mark.parametrize(("question", "expected"), [
    pytest.param("When did I start the pottery course?", True, id="when"),
    pytest.param("How long ago did I sell my bike?", True, id="how-long-ago"),
    pytest.param("How many weeks passed between the wedding and the move?", True, id="how-many-weeks"),
    pytest.param("I told you about a concert three months ago. Who went with me?", True, id="ago"),
    pytest.param("How many months have I been learning Spanish?", True, id="how-many-months"),
    pytest.param("What is my sister's favourite colour?", False, id="no-time"),
    pytest.param("How many cats do I have?", False, id="how-many-things"),
    pytest.param("", False, id="empty"),
])
def test_questions_about_elapsed_time(question: str, expected: bool) -> None:
    assert asks_about_time(question) is expected


TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(("first", "last", "expected"), [
    pytest.param(date(2024, 6, 1), date(2024, 6, 1), "", id="today"),
    pytest.param(date(2024, 5, 31), date(2024, 5, 31), "yesterday", id="yesterday"),
    pytest.param(date(2024, 5, 27), date(2024, 5, 27), "5 days ago", id="days"),
    pytest.param(date(2024, 5, 11), date(2024, 5, 11), "21 days (3 weeks) ago", id="whole-weeks"),
    pytest.param(date(2024, 5, 9), date(2024, 5, 9), "23 days (about 3 weeks) ago", id="about-weeks"),
    pytest.param(date(2023, 12, 1), date(2023, 12, 1), "about 6 months ago", id="months"),
    pytest.param(date(2021, 5, 1), date(2021, 5, 31), "about 3 years ago", id="a-month-years-back"),
    pytest.param(date(2024, 6, 4), date(2024, 6, 4), "in 3 days", id="ahead"),
    pytest.param(date(2024, 6, 2), date(2024, 6, 2), "tomorrow", id="tomorrow"),
    pytest.param(date(2024, 5, 27), date(2024, 6, 2), "", id="week-including-today"),
])
def test_age_of_a_line(first: date, last: date, expected: str) -> None:
    assert age_text(first, last, TODAY) == expected


def test_adversarial_input_stays_linear() -> None:
    """100,000 characters of worst cases through both text paths, well within the bound."""
    import time

    from recallr.language.dates.ages import asks_about_time
    from recallr.language.restated import restates_with_new_value

    for text in ("a" * 100_000, "1," * 50_000, "a'-" * 33_000, "when " * 20_000, "how long ago " * 7_700,
                 "." * 100_000, "Ab1 " * 25_000):
        start = time.perf_counter()
        asks_about_time(text)
        restates_with_new_value(text, text[::-1])
        assert time.perf_counter() - start < 5.0, text[:20]
