"""What the assistant confirmed or promised (issue 13, item 3): bookings, appointments, orders and deliveries,
reminders and calendar entries become the user's plans, dated to the day they are for; recommendations the
user accepts become the user's plan, declined ones do not; the assistant's chatter and offers are not kept.

Sessions start on Tuesday 1 December 2026 (the harness's ``T0``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .harness import Case, bot, case, check, fact, params, run_case, session

TUE, WED, THU, FRI, SAT, SUN = (date(2026, 12, d) for d in range(1, 7))
MON = date(2026, 12, 7)

BOOKINGS = [
    case("restaurant-table-for-saturday", "assistant",
         session("Could you get us a table at Zuni on Saturday around 7? There'll be four of us.",
                 bot("All done! I've reserved a table for four at Zuni for Saturday at 7:15 pm under your name.")),
         expect=[fact("table for four at zuni", "7:15 pm", on=SAT)]),
    case("hotel-with-confirmation-number", "assistant",
         session("I need a hotel in Porto for the conference, the 18th to the 22nd.",
                 bot("Your room at the Pestana Vintage Porto is confirmed from December 18 to December 22. "
                     "Confirmation number PV-88213.")),
         expect=[fact("room at the pestana vintage porto", "confirmed", "pv-88213", on=date(2026, 12, 18))]),
    case("flight-booked-with-header", "assistant",
         session("Please book the morning flight to Lisbon on the 10th.",
                 bot("Your flight to Lisbon is booked: TAP TP1357, Thursday December 10, departing 9:05 am.")),
         expect=[fact("flight to lisbon", "tp1357", "9:05 am", on=date(2026, 12, 10))]),
    case("rental-car-pickup", "assistant",
         session("I'll need a car in Denver when I land next week.",
                 bot("I've rented a compact SUV from Hertz at Denver airport for pickup on December 7 at 2 pm, "
                     "returning December 11.")),
         expect=[fact("rented a compact suv from hertz", on=MON)]),
    case("all-set-after-an-offer", "assistant",
         session("Maybe Kin Khao on Saturday?", bot("Would you like me to reserve it for two at 8?"), "Yes please.",
                 bot("Great, you're all set: a table for two at Kin Khao on Saturday at 8 pm.")),
         expect=[fact("table for two at kin khao", "booked", on=SAT)], absent=[("would", "reserve")]),
    case("booked-it-resolves-the-request", "assistant",
         session("Can you book a table at Nopa for Friday at 8?", bot("I've booked it for Friday at 8 pm.")),
         expect=[fact("table at nopa", on=FRI)]),
    case("booked-then-what", "assistant",
         session("Any chance of Hamilton tickets for next Friday?",
                 bot("Booked! Two tickets for Hamilton at the Orpheum on Friday, December 11 at 8 pm. "
                     "Enjoy the show!")),
         expect=[fact("two tickets for hamilton at the orpheum", on=date(2026, 12, 11))], absent=["enjoy"]),
    case("dinner-without-your", "assistant",
         session("Dinner somewhere nice on Thursday the 10th?",
                 bot("Okay! Dinner at Lazy Bear is booked for Thursday the 10th at 6:30.")),
         expect=[fact("dinner at lazy bear", "6:30", on=date(2026, 12, 10))]),
    case("hotel-nights-as-a-range", "assistant",
         session("Find me a hotel in Barcelona over Christmas week.",
                 bot("All booked: Hotel Arts Barcelona, Dec 20-23, sea-view room.")),
         expect=[fact("hotel arts barcelona", "sea-view room", "23 december 2026", on=date(2026, 12, 20))]),
    case("rescheduled-next-session", "assistant",
         session("Book Nopa for Friday at 8.", bot("Done: your table at Nopa is booked for Friday at 8 pm.")),
         session("Can you move the Nopa booking to Saturday?",
                 bot("Sure, your table at Nopa is now booked for Saturday at 8 pm.")),
         expect=[fact("table at nopa", "saturday", on=SAT, previous=["friday"])], absent=[("nopa", "friday")]),
    case("taxi-promised", "assistant",
         session("Book me a taxi to SFO for my 6 am flight on Friday.",
                 bot("I'll book a taxi to SFO for 4 am on Friday, and I'll text you the driver's details.")),
         expect=[fact("taxi to sfo", "4 am", on=FRI)]),
]

APPOINTMENTS = [
    case("dentist-on-an-ordinal", "assistant",
         session("Can you get me in with Dr. Alvarez for a cleaning?",
                 bot("I've scheduled your cleaning with Dr. Alvarez for the 14th at 9:30 am.")),
         expect=[fact("cleaning with dr alvarez", "9:30 am", on=date(2026, 12, 14))]),
    case("physio-moved", "assistant",
         session("I can't make my physio session this week, something came up at work.",
                 bot("No problem, your physio session has been moved to Friday at 4 pm.")),
         expect=[fact("physio session", "moved", "4 pm", on=FRI)]),
    case("haircut-booked-in-tomorrow", "assistant",
         session("Find me a haircut slot tomorrow afternoon?",
                 bot("You're booked in with Marco at Barber & Co tomorrow at 3 pm.")),
         expect=[fact("booked in with marco", "barber", on=WED)]),
    case("vet-for-the-cat", "assistant",
         session("Luna is due for her vaccines.",
                 bot("I've booked Luna's vaccination appointment at Mission Pet Hospital for Monday at 10 am.")),
         expect=[fact("luna's vaccination appointment", "mission pet hospital", on=MON)]),
    case("massage-cancelled", "assistant",
         session("Please cancel my massage on Friday, I'm sick.",
                 bot("Done, your massage at Zen Spa on Friday has been cancelled. Feel better soon!")),
         expect=[fact("massage at zen spa", "cancelled")], absent=["feel better"]),
    case("cancelled-next-session", "assistant",
         session("Book me a massage at Zen Spa on Friday.",
                 bot("Your massage at Zen Spa is booked for Friday at 3 pm.")),
         session("Cancel the massage please, I've got a cold.",
                 bot("Done, your massage at Zen Spa on Friday has been cancelled.")),
         expect=[fact("massage at zen spa", "cancelled")], absent=[("massage", "booked")]),
    case("appointment-told-from-the-calendar", "assistant",
         session("When is my dentist again?", bot("Your dentist appointment is tomorrow at 10 am with Dr. Chen.")),
         expect=[fact("dentist appointment", "10 am", "dr chen", on=WED)]),
    case("plumber-visit", "assistant",
         session("The kitchen sink is leaking again, can you get someone out?",
                 bot("The plumber is scheduled to come on Thursday between 9 am and noon.")),
         expect=[fact("plumber scheduled to come", "between 9 am and noon", on=THU)]),
    case("same-weekday-is-next-week", "assistant",
         session("I need a trim next week.",
                 bot("Your appointment at Salon Nine is booked for Tuesday at 11 am.")),
         expect=[fact("appointment at salon nine", on=date(2026, 12, 8))]),
]

ORDERS = [
    case("shoes-delivered-on-an-ordinal", "assistant",
         session("Any news on my running shoes?",
                 bot("Your Hoka running shoes will be delivered on the 4th.")),
         expect=[fact("hoka running shoes", "delivered", on=FRI)]),
    case("reorder-with-follow-ons", "assistant",
         session("We're out of coffee beans, can you reorder?",
                 bot("Done - I've reordered two bags of Sightglass espresso beans. They should arrive on Thursday. "
                     "Order number 1142-A.")),
         expect=[fact("two bags of sightglass espresso beans", "1142", on=THU)]),
    case("package-out-for-delivery", "assistant",
         session("Where's my package from REI?",
                 bot("Your REI package is out for delivery and should arrive by 6 pm today.")),
         expect=[fact("rei package", "out for delivery", on=TUE)]),
    case("grocery-delivery-scheduled", "assistant",
         session("Schedule my groceries for the weekend, please.",
                 bot("Your Whole Foods delivery is scheduled for Sunday between 10 and 11 am.")),
         expect=[fact("whole foods delivery", "scheduled", on=SUN)]),
    case("monitor-delivered-yesterday", "assistant",
         session("Did the new monitor arrive?",
                 bot("Yes, your Dell monitor was delivered yesterday at 2:14 pm and left at the front desk.")),
         expect=[fact("dell monitor", "delivered", "front desk", on=date(2026, 11, 30))]),
]

REMINDERS = [
    case("remind-to-call-mom", "assistant",
         session("Remind me to call my mom this weekend.",
                 bot("Sure, I'll remind you to call your mom on Sunday at 5 pm.")),
         expect=[fact("reminder", "call", "mom", "5 pm", on=SUN)]),
    case("reminder-set-header", "assistant",
         session("Can you make sure I don't forget rent?",
                 bot("Reminder set: pay rent on the 1st of January at 9 am.")),
         expect=[fact("reminder", "pay rent", on=date(2027, 1, 1))]),
    case("text-reminder-bins", "assistant",
         session("I keep forgetting bin day.",
                 bot("Got it - I'll text you a reminder on Thursday at 8 am to put the bins out.")),
         expect=[fact("reminder", "put the bins out", on=THU)], absent=["got it"]),
    case("passport-reminder-morning", "assistant",
         session("Don't let me forget my passport renewal.",
                 bot("I've set a reminder for Monday morning to renew your passport.")),
         expect=[fact("reminder", "renew", "passport", on=MON)]),
    case("calendar-entry", "assistant",
         session("Add the school play to my calendar.",
                 bot("I've added 'Maya's school play' to your calendar for Thursday, December 17 at 6 pm.")),
         expect=[fact("maya's school play", "calendar", on=date(2026, 12, 17))]),
    case("offsite-on-the-calendar", "assistant",
         session("We have a team offsite on January 14.",
                 bot("Got it! Your team offsite is on your calendar for January 14 at 9 am.")),
         expect=[fact("team offsite", "calendar", "9 am", on=date(2027, 1, 14))]),
]

RECOMMENDATIONS = [
    case("novel-accepted-with-a-plan", "assistant",
         session("I need a new novel for the flight.",
                 bot("I'd recommend 'Klara and the Sun' by Kazuo Ishiguro - it's quiet and moving."),
                 "Ooh, I'll download it tonight."),
         expect=[fact("recommended", "klara and the sun"), fact("user will download", "klara and the sun")]),
    case("dim-sum-accepted", "assistant",
         session("Where should we go for dim sum on Sunday?",
                 bot("How about Yank Sing in Rincon Center? Their soup dumplings are excellent."),
                 "Perfect, let's do that."),
         expect=[fact("plans to", "yank sing")]),
    case("audiobook-already-heard", "assistant",
         session("Any sci-fi audiobook for my commute?", bot("I recommend 'The Martian' by Andy Weir."),
                 "I've already listened to that one, sadly."),
         expect=[fact("recommended", "the martian")], absent=[("plans", "martian"), ("will", "martian")]),
    case("podcast-declined", "assistant",
         session("Can you suggest a podcast about history?",
                 bot("You might enjoy 'Hardcore History' by Dan Carlin."), "No thanks, not my style."),
         absent=[("plans", "hardcore history"), ("will", "hardcore history"), "no thanks"]),
    case("second-hike-picked", "assistant",
         session("Give me a couple of hikes near Boulder.",
                 bot("Here are two good ones:\n1. Royal Arch Trail: steep, 3.4 miles\n"
                     "2. Mount Sanitas: a loop with views"),
                 "The second one sounds perfect, I'll do it on Saturday."),
         expect=[fact("mount sanitas")], absent=[("user", "royal arch")]),
    case("film-tickets-booked", "assistant",
         session("What should I watch at the cinema this weekend?",
                 bot("You should see 'Wicked' at the Castro Theatre."),
                 "Great idea, I just booked tickets for it."),
         expect=[fact("booked tickets", "wicked")]),
]

CHATTER = [
    case("welcome-is-not-a-memory", "assistant",
         session("Just landed in Berlin for a week of meetings!",
                 bot("Welcome to Berlin! That sounds like a busy week. Is there anything I can help you plan?")),
         expect=[fact("landed in berlin")], absent=["welcome", "busy week", ("assistant", "berlin")]),
    case("empathy-is-not-a-memory", "assistant",
         session("My dog Biscuit passed away last night.",
                 bot("I'm so sorry about Biscuit. Losing a companion like that is incredibly hard, and it's "
                     "completely normal to grieve.")),
         expect=[fact("biscuit", "passed away")], absent=[("assistant", "biscuit"), "grieve"]),
    case("noted-acknowledgement", "assistant",
         session("Just so you know, I'm vegetarian.",
                 bot("Noted: you're vegetarian. I'll keep that in mind when suggesting restaurants.")),
         expect=[fact("vegetarian")], absent=["noted", ("assistant", "vegetarian"), "keep that in mind"]),
    case("great-question-dropped", "assistant",
         session("What's the best way to learn Italian?",
                 bot("Great question! Consistency matters most. Try Duolingo for 15 minutes a day.")),
         expect=[fact("duolingo", "15 minutes")], absent=["great question"]),
    case("offer-is-not-a-booking", "assistant",
         session("I'm thinking about dinner at Flour + Water on Friday.",
                 bot("I can book a table at Flour + Water for Friday at 7 if you'd like. Would you like me to?")),
         expect=[fact("dinner at flour")], absent=["booked", ("assistant", "table")]),
    case("generic-advice-dropped", "assistant",
         session("I have a cold.", bot("You should drink plenty of fluids and get some rest. Feel better soon!")),
         absent=["fluids", "feel better"]),
    case("questions-back-dropped", "assistant",
         session("I want to plan a trip to Japan in April.",
                 bot("How exciting! Which cities are you thinking of? Do you prefer big cities or the countryside?")),
         expect=[fact("trip to japan")], absent=["exciting", "countryside"]),
    case("restating-dropped", "assistant",
         session("I'm moving to Denver next month for work.",
                 bot("So you're relocating to Denver in January for your job - that's a big change!")),
         expect=[fact("moving to denver")], absent=["relocating", "big change"]),
]

CASES = [*BOOKINGS, *APPOINTMENTS, *ORDERS, *REMINDERS, *RECOMMENDATIONS, *CHATTER]


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)
