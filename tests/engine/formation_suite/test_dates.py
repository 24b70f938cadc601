"""Formation suite, dates (issue 13 item 4): plans, past events, holidays, yearly dates, appointments.

Sessions default to Tuesday 1 December 2026 10:00 UTC (``harness.T0``); cases said on another day
pass ``at=``. Each case asserts the memory's event day(s) (``on``/``until``) or that a yearly date
is shown as recurring (``yearly=True``: no year in the text, the window not in the past), and every
memory passes the hygiene checker (no clause broken by moving its date out).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from .harness import Case, bot, case, check, fact, params, run_case, session

FRI = datetime(2026, 12, 4, 18, 30, tzinfo=UTC)  # a Friday
FEB = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)  # a Wednesday
D = date

CASES = [
    # --- plans with future dates ---
    case("plan-month-day-in-winter", "plans",
         session("I'm flying to Toronto on June 12 for my cousin's wedding.",
                 bot("Exciting! Do you need help planning the trip?"), at=FEB),
         expect=[fact("toronto", on=D(2027, 6, 12))]),
    case("plan-in-three-weeks", "plans",
         session("Big news: I'm moving to Glasgow in three weeks.", bot("Congratulations on the move!")),
         expect=[fact("glasgow", on=D(2026, 12, 22))]),
    case("plan-ordinal-without-month", "plans",
         session("My new sofa is being delivered on the 20th.", bot("Nice, I'll keep that in mind.")),
         expect=[fact("sofa", on=D(2026, 12, 20))]),
    case("plan-weekday-ahead", "plans",
         session("I have a job interview at a design studio on Thursday.", bot("Good luck! Want to practise?")),
         expect=[fact("job interview", on=D(2026, 12, 3))]),
    case("plan-next-saturday-said-on-friday", "plans",
         session("Next Saturday we're driving down to Cornwall with the dog.", bot("Sounds like a lovely trip."),
                 at=FRI),
         expect=[fact("cornwall", on=D(2026, 12, 12))]),
    case("plan-going-to-april", "plans",
         session("I'm going to run my first half marathon on April 4.", bot("That's a great goal."), at=FEB),
         expect=[fact("half marathon", on=D(2027, 4, 4))]),
    case("plan-early-june", "travel",
         session("We're going to Iceland in early June to see the midnight sun.", at=FEB),
         expect=[fact("iceland", on=D(2027, 6, 1), until=D(2027, 6, 10))]),
    case("plan-in-a-few-days", "family",
         session("My cousin arrives from Sydney in a few days and is staying with us.", bot("How fun!")),
         expect=[fact("sydney", on=D(2026, 12, 3), until=D(2026, 12, 6))]),
    case("due-in-two-months", "health",
         session("I'm pregnant and the baby is due in 2 months.", bot("Congratulations!")),
         expect=[fact("due", on=D(2027, 2, 1))]),
    # --- past events with relative dates ---
    case("past-ordinal", "finance",
         session("I finally paid off my credit card on the 28th.", bot("Well done, that's a big milestone.")),
         expect=[fact("credit card", on=D(2026, 11, 28))]),
    case("past-weekday", "health",
         session("I went to the dentist on Monday and had a filling.", bot("Hope it doesn't hurt too much.")),
         expect=[fact("dentist", on=D(2026, 11, 30))]),
    case("past-day-before-yesterday", "health",
         session("I had my flu jab the day before yesterday and my arm is still sore.", bot("That's normal.")),
         expect=[fact("flu jab", on=D(2026, 11, 29))]),
    case("past-over-the-weekend", "hobbies",
         session("We went to a wine tasting in Napa over the weekend.", bot("Did you find a favourite?")),
         expect=[fact("wine tasting", on=D(2026, 11, 28), until=D(2026, 11, 29))]),
    case("past-earlier-this-month", "finance",
         session("Earlier this month I switched to a new bank.", bot("Which one did you choose?"), at=FEB),
         expect=[fact("new bank", on=D(2027, 2, 1), until=D(2027, 2, 10))]),
    case("past-month-day", "work",
         session("I got promoted to team lead on November 3rd.", bot("Congratulations!")),
         expect=[fact("promoted", on=D(2026, 11, 3))]),
    case("explicit-date-kept", "travel",
         session("I moved to Canada on 1st March 2022.", bot("How are you finding it?")),
         expect=[fact("canada", on=D(2022, 3, 1))]),
    # --- holidays ---
    case("holiday-christmas-plan", "family",
         session("We're spending Christmas with my in-laws in Leeds.", bot("That sounds cosy.")),
         expect=[fact("christmas", "leeds", on=D(2026, 12, 25))]),
    case("holiday-last-thanksgiving", "food",
         session("Last Thanksgiving I burned the turkey.", bot("Oh no! It happens to everyone.")),
         expect=[fact("turkey", on=D(2026, 11, 26))]),
    case("holiday-this-easter", "travel",
         session("This Easter we're driving to the coast with the kids.", bot("Lovely time of year for it."),
                 at=FEB),
         expect=[fact("coast", on=D(2027, 3, 28))]),
    case("holiday-new-years-eve", "plans",
         session("I'm hosting a dinner party on New Year's Eve.", bot("Want some menu ideas?")),
         expect=[fact("dinner party", on=D(2026, 12, 31))]),
    case("holiday-halloween-past", "hobbies",
         session("I ran a 5k in a pumpkin costume on Halloween.", bot("Ha, love it!")),
         expect=[fact("5k", on=D(2026, 10, 31))]),
    case("holiday-mothers-day", "family",
         session("We're taking Mom to brunch for Mother's Day.", bot("She'll love that."), at=FEB),
         expect=[fact("brunch", on=D(2027, 5, 9))]),
    # --- birthdays and anniversaries ---
    case("yearly-sister-birthday", "family",
         session("My sister's birthday is on 3 March.", bot("Noted!"), "Can you remind me closer to the date?"),
         expect=[fact("sister's birthday", "3 march", yearly=True, on=D(2027, 3, 3))]),
    case("yearly-anniversary", "relationships",
         session("Our wedding anniversary is on the 12th of June.", bot("How many years this time?")),
         expect=[fact("anniversary", "12 june", yearly=True, on=D(2027, 6, 12))]),
    case("yearly-birthday-this-month", "family",
         session("My dad's birthday is December 15.", bot("Any gift ideas yet?")),
         expect=[fact("dad's birthday", "15 december", yearly=True, on=D(2026, 12, 15))]),
    case("yearly-every-year", "family",
         session("Every year on 4 July we have a big family barbecue.", bot("Sounds like a fun tradition.")),
         expect=[fact("barbecue", yearly=True, on=D(2027, 7, 4))]),
    case("yearly-born-on", "personal_info",
         session("I was born on April 2nd.", bot("An April baby!")),
         expect=[fact("born", "2 april", yearly=True, on=D(2027, 4, 2))]),
    # --- appointments: the date stays in a clause that needs it ---
    case("appointment-tomorrow", "health",
         session("My dentist appointment is tomorrow.", bot("Good luck!")),
         expect=[fact("dentist appointment", on=D(2026, 12, 2))]),
    case("deadline-by-friday", "work",
         session("My tax return is due by Friday.", bot("Do you have everything you need?")),
         expect=[fact("tax return", "due by", on=D(2026, 12, 4))]),
    case("due-end-of-month", "work",
         session("The quarterly report for my manager is due at the end of the month.", bot("Plenty of time.")),
         expect=[fact("quarterly report", on=D(2026, 12, 21), until=D(2026, 12, 31))]),
]


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)
