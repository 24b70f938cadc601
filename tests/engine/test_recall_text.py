"""The pure text rules of recall: summaries without repeats, which past messages are worth showing, dates once."""

from __future__ import annotations

from datetime import UTC, datetime

from recallr.engine.recall.context import Line, render, without_repeats
from recallr.engine.recall.query import informative
from recallr.store.records import to_us


def test_summary_loses_the_statements_already_shown() -> None:
    summary = "Session on 8 May 2023 (Caroline): Caroline went to a support group. Caroline paints sunsets."
    assert without_repeats(summary, ["Caroline went to a support group."]) == \
        "Session on 8 May 2023 (Caroline): Caroline paints sunsets."


def test_summary_with_nothing_new_is_empty() -> None:
    summary = "Session on 8 May 2023 (Caroline): Caroline went to a support group."
    assert without_repeats(summary, ["Caroline went to a support group."]) == ""
    assert without_repeats(summary, []) == summary


def test_questions_and_filler_are_not_informative() -> None:
    assert not informative("Caroline: Wow! What got you into running?")
    assert not informative("Cool! What did it look like?")
    assert informative("Caroline: Gonna continue my edu and check out career options, which is pretty exciting!")
    assert informative("Melanie: Running clears my head. What about you?")


def test_a_summary_naming_its_day_gets_no_second_date() -> None:
    day = to_us(datetime(2023, 5, 8, 13, 56, tzinfo=UTC))
    text = render(now=datetime(2023, 6, 1, tzinfo=UTC), tz=UTC, tz_name="UTC", memories=[], past=[],
                  summaries=[Line("Session on 8 May 2023 (Ana): Ana paints.", day, day),
                             Line("Ana and Bo talked about boats.", day, day)], messages=[], recent=[])
    assert "- Session on 8 May 2023 (Ana): Ana paints." in text
    assert "- [8 May 2023] Ana and Bo talked about boats." in text
