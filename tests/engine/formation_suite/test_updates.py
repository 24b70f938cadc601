"""Corrections, repeats, ended states and new values (issue 13, item 2), as realistic chats.

* an in-session correction replaces what it corrects (places, dates, numbers, names, things), whether
  the wrong value was said in the same sentence, the previous message or a few messages back: only the
  corrected statement is current, in the original wording, and neither the wrong value nor the apology is;
* a statement said twice in a session, with other wrapping, is one memory;
* an ended state or a negated preference in a later session is the next version of the fact it ends;
* a new value in a later session is the next version of the old one;
* look-alikes ("I stopped by the bakery", "I left my keys", "I sold cookies at the fair", a "not X" that
  corrects nothing) change nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from recallr.models import MessageRole

from .harness import Case, bot, case, check, fact, params, run_case, session

CORRECTIONS = [
    case("place-next-message", "correction",
         session("We just moved and we're living in Valencia now.",
                 bot("Congratulations on the move! Valencia has great weather."),
                 "Oops, I meant Alicante, not Valencia."),
         expect=[fact("alicante")], absent=["valencia", "oops", "meant"]),
    case("place-few-messages-back", "correction",
         session("I work from home in Ghent most days.", bot("Nice! Do you have a good home office?"),
                 "Yes, a standing desk and a big monitor.", bot("That sounds comfortable."),
                 "Wait, sorry, it's Bruges, not Ghent."),
         expect=[fact("works from home in bruges")], absent=["ghent", "sorry"]),
    case("place-i-meant-no-old-value", "correction",
         session("I grew up in Leipzig.", bot("Leipzig has a great music history."), "Sorry, I meant Dresden."),
         expect=[fact("grew up in dresden")], absent=["leipzig", "meant"]),
    case("date-same-sentence", "correction",
         session("My dentist appointment is on the 9th - sorry, the 19th."),
         expect=[fact("dentist appointment")], absent=["9th", "sorry"]),
    case("weekday-not-x-but-y", "correction",
         session("Our team dinners are on Thursdays.", bot("Sounds fun!"), "Not Thursdays but Fridays, sorry."),
         expect=[fact("team dinners", "fridays")], absent=["thursdays"]),
    case("weekday-make-that", "correction",
         session("My piano lessons are on Mondays.", bot("Noted."), "Actually, make that Tuesdays."),
         expect=[fact("piano lessons", "tuesdays")], absent=["mondays", "make that"]),
    case("time-correction", "correction",
         session("The table is booked for 7 pm.", bot("Great, enjoy your dinner!"), "Sorry, make that 8 pm."),
         expect=[fact("booked for 8 pm")], absent=["7 pm"]),
    case("number-clause-correction", "correction",
         session("I have two brothers.", bot("Are you close with them?"),
                 "My mistake, I have three brothers, not two."),
         expect=[fact("three brothers")], absent=["two brothers", "mistake"], max_memories=1),
    case("number-got-that-wrong", "correction",
         session("I have two kids, both in primary school.", bot("That keeps you busy!"),
                 "Wait, I got that wrong: I have three kids, not two."),
         expect=[fact("three kids")], absent=["two kids", "wrong"]),
    case("age-correction", "correction",
         session("I'm 41 years old.", bot("Thanks for sharing."), "Actually I'm 42, not 41."),
         expect=[fact("42")], absent=["41"]),
    case("name-spelling", "correction",
         session("My daughter's name is Lis.", bot("Lovely name."), "Sorry, it's Lisa, not Lis."),
         expect=[fact("daughter's name is lisa")], absent=["lis"]),
    case("pet-name-typo", "correction",
         session("My cat is called Mochi.", bot("Cute name!"), "Sorry, typo: her name is Miso, not Mochi."),
         expect=[fact("cat is called miso")], absent=["mochi", "typo"], max_memories=1),
    case("favourite-thing", "correction",
         session("My favourite dessert is tiramisu.", bot("A classic."), "Sorry, I meant panna cotta."),
         expect=[fact("favourite dessert is panna cotta")], absent=["tiramisu"]),
    case("object-with-same-head", "correction",
         session("I bought a blue bike yesterday.", bot("Nice, enjoy the rides!"), "Oops, I meant a red bike."),
         expect=[fact("bought a red bike")], absent=["blue"]),
    case("job-clause-correction", "correction",
         session("I work as a paralegal.", bot("Interesting field!"),
                 "Actually no, I'm a legal secretary, not a paralegal."),
         expect=[fact("legal secretary")], absent=["paralegal"]),
    case("correction-keeps-other-facts", "correction",
         session("I live in Porto and I have a dog named Bolt.", bot("Porto is lovely."), "Sorry, I meant Braga."),
         expect=[fact("braga"), fact("dog named bolt")], absent=["porto"]),
    case("manager-name-pronoun-clause", "correction",
         session("My manager is called Derek.", bot("How is it working with him?"), "Wait, no - his name is Eric."),
         expect=[fact("manager is called eric")], absent=["derek"], max_memories=1),
    case("colour-of-a-thing", "correction",
         session("I ordered a green sofa for the living room.", bot("Sounds cosy."),
                 "Sorry, it's a grey sofa, not green."),
         expect=[fact("ordered a grey sofa")], absent=["green"]),
    case("got-the-date-wrong", "correction",
         session("My mother-in-law arrives on the 22nd.", bot("That's soon!"),
                 "Sorry, I got the date wrong, she arrives on the 23rd."),
         expect=[fact("mother-in-law arrives")], absent=["22nd", "wrong"], max_memories=1),
    case("place-with-trailing-apology", "correction",
         session("I'm training for a half marathon in Rotterdam.", bot("Good luck with the training!"),
                 "Actually it's in Amsterdam, my mistake."),
         expect=[fact("half marathon in amsterdam")], absent=["rotterdam", "mistake"]),
    case("short-clause-number", "correction",
         session("My son is 7 years old.", bot("Such a fun age."), "Oops, he's 8."),
         expect=[fact("son is 8 years old")], absent=["7"]),
    case("wait-its-actually", "correction",
         session("I'm moving to Berlin in the spring.", bot("Exciting!"), "Oh wait, it's actually Munich."),
         expect=[fact("moving to munich")], absent=["berlin"]),
    case("clause-with-old-value", "correction",
         session("My appointment is at 2 pm.", bot("Noted."), "Actually, my appointment is at 3 pm, not 2 pm."),
         expect=[fact("appointment is at 3 pm")], absent=["2 pm"], max_memories=1),
    case("breed-with-same-article", "correction",
         session("I have a golden retriever.", bot("Lovely dogs!"), "Sorry, I meant a labrador."),
         expect=[fact("has a labrador")], absent=["golden retriever"]),
    case("clock-time", "correction",
         session("My train leaves at 6 tomorrow.", bot("Early start!"), "Sorry, 5:30."),
         expect=[fact("5:30")], absent=[("at", "6")]),
    case("assistant-echo-of-wrong-value-dropped", "correction",
         session("I'm based in Porto.", bot("Porto is a great city for food lovers."), "Sorry, I meant Braga."),
         expect=[fact("based in braga")], absent=["porto"]),
]

REPEATS = [
    case("as-i-said", "repeat",
         session("Just so you know, I'm lactose intolerant.", bot("Thanks, I'll keep that in mind."),
                 "Can you suggest a dessert?", bot("How about a fruit sorbet?"),
                 "As I said, I'm lactose intolerant."),
         expect=[fact("lactose intolerant")], max_memories=2),
    case("dont-forget", "repeat",
         session("Remember that my son's name is Leo.", bot("Got it."), "Don't forget, my son's name is Leo."),
         expect=[fact("son's name is leo")], max_memories=1),
    case("again-with-reminder", "repeat",
         session("I'm allergic to shellfish.", bot("Noted, no shellfish."),
                 "Again, please remember: I'm allergic to shellfish."),
         expect=[fact("allergic to shellfish")], max_memories=1, absent=["again"]),
    case("as-i-mentioned-clause", "repeat",
         session("I work night shifts at the hospital.", bot("That must be tiring."),
                 "Yeah, as I mentioned, I work night shifts at the hospital."),
         expect=[fact("night shifts at the hospital")], max_memories=1),
    case("intensifier-restatement", "repeat",
         session("I hate flying.", bot("Trains can be a nice alternative."), "I really hate flying."),
         expect=[fact("hates flying")], max_memories=1),
]

ENDED = [
    case("quit-job", "ended",
         session("I work at Deloitte as an auditor."),
         session("I finally quit my job at Deloitte!"),
         expect=[fact("quit", "deloitte", previous=["auditor"])], absent=[("works at deloitte",)]),
    case("left-employer", "ended",
         session("I work for Spotify in Stockholm."),
         session("I left Spotify in the spring."),
         expect=[fact("left spotify", previous=["works for spotify"])], absent=["works for spotify"]),
    case("sold-the-boat", "ended",
         session("We have a sailboat called Marlin that we take out on weekends."),
         session("We sold the boat, it was too much work."),
         expect=[fact("sold", "marlin", previous=["sailboat called marlin"])], absent=[("have", "sailboat")]),
    case("stopped-playing-in-the-band", "ended",
         session("I play drums in a band called Night Owls.", bot("Cool! What kind of music?"), "Mostly indie rock."),
         session("I stopped playing with the band last month."),
         expect=[fact("stopped playing drums", previous=["drums"])], absent=[("plays", "drums")]),
    case("left-the-choir", "ended",
         session("I sing in a community choir on Tuesdays."),
         session("I left the choir because of my new work schedule."),
         expect=[fact("left the", "choir", previous=["sings"])], absent=[("sings", "choir")]),
    case("broke-up", "ended",
         session("I'm dating a guy named Jake, he's a chef."),
         session("Jake and I broke up last week."),
         expect=[fact("broke up", previous=["dating"])], absent=["is dating"]),
    case("no-longer-eat", "ended",
         session("I eat a lot of red meat."),
         session("I no longer eat red meat, doctor's orders."),
         expect=[fact("no longer eats red meat", previous=["eats a lot of red meat"])],
         absent=["eats a lot of red meat"]),
    case("dont-drink-anymore", "ended",
         session("I drink three cups of coffee a day."),
         session("I don't drink coffee anymore, I switched to green tea."),
         expect=[fact("coffee", previous=["three cups"])], absent=["drinks three cups"]),
    case("moved-out-of", "ended",
         session("I live in Leeds with two flatmates."),
         session("I moved out of Leeds last month."),
         expect=[fact("moved out of leeds", previous=["lives in leeds"])], absent=["lives in leeds"]),
    case("negated-preference-anymore", "ended",
         session("I love sushi."),
         session("I don't like sushi anymore after a bad case of food poisoning."),
         expect=[fact("sushi", previous=["loves sushi"])], absent=["loves sushi"]),
    case("not-into-these-days", "ended",
         session("I'm really into running."),
         session("I'm not into running these days, my knee hurts."),
         expect=[fact("not into running", previous=["into running"])], absent=["really into running"]),
    case("quit-smoking", "ended",
         session("I smoke about ten cigarettes a day."),
         session("I quit smoking three weeks ago!"),
         expect=[fact("quit smoking", previous=["ten cigarettes"])], absent=["smokes"]),
    case("cancelled-membership", "ended",
         session("I have a gym membership at PureGym."),
         session("I cancelled my PureGym membership."),
         expect=[fact("cancelled", "puregym", previous=["gym membership"])], absent=["has a gym membership"]),
    case("laid-off", "ended",
         session("I work at a bank called Northwind."),
         session("I got laid off from Northwind last week."),
         expect=[fact("laid off from northwind", previous=["bank called northwind"])], absent=["works at a bank"]),
    case("stopped-an-activity-with-a-reason", "ended",
         session("I run every morning before breakfast."),
         session("I stopped running after my knee injury."),
         expect=[fact("stopped running", previous=["runs every morning"])], absent=["runs every morning"]),
    case("favourite-ended", "ended",
         session("My favorite drink is coffee."),
         session("I don't drink coffee anymore."),
         expect=[fact("coffee anymore", previous=["favorite drink"])], absent=["favorite drink is coffee"]),
    case("end-said-again", "ended",
         session("I work at Initrode."),
         session("I quit my job at Initrode."),
         session("Like I said, I quit my job at Initrode."),
         expect=[fact("quit", "initrode", previous=["works at initrode"])], max_memories=1),
    case("taken-up-again", "ended",
         session("I play in a band called The Owls."),
         session("I stopped playing in the band."),
         session("I started playing in the band again."),
         expect=[fact("again", previous=["stopped playing"])], absent=["stopped playing"]),
    case("single-now", "ended",
         session("I'm dating a woman named Priya."),
         session("I'm single now."),
         expect=[fact("single", previous=["dating"])], absent=["is dating"]),
    case("no-longer-with-employer", "ended",
         session("I work at Hooli as a product manager."),
         session("I'm no longer with Hooli."),
         expect=[fact("no longer with hooli", previous=["product manager"])], absent=["works at hooli"]),
    case("gave-up-on-learning", "ended",
         session("I'm learning French on Duolingo."),
         session("I gave up on learning French."),
         expect=[fact("gave up", "french", previous=["learning french"])], absent=["is learning french"]),
    case("dont-have-anymore", "ended",
         session("I have a cat named Luna."),
         session("I don't have the cat anymore, she lives with my sister now."),
         expect=[fact("luna", "anymore", previous=["has a cat"])], absent=["has a cat"]),
    case("ended-then-new-value", "ended",
         session("I work at Acme Corp."),
         session("I quit my job at Acme Corp."),
         session("I work at Globex now."),
         expect=[fact("globex", previous=["quit"])], absent=["works at acme"]),
]

NEW_VALUES = [
    case("moved-city", "update",
         session("I live in Paris."),
         session("I moved to Lyon last month."),
         expect=[fact("moved to lyon", previous=["lives in paris"])], absent=["lives in paris"]),
    case("age-now", "update",
         session("I'm 34 years old."),
         session("I'm 35 now!"),
         expect=[fact("35", previous=["34"])], absent=["34"]),
    case("new-job-at", "update",
         session("I work at Acme Corp."),
         session("My new job is at Beta Labs."),
         expect=[fact("beta labs", previous=["acme corp"])], absent=["works at acme"]),
    case("new-favourite", "update",
         session("My favourite band is Radiohead."),
         session("My new favourite band is Wet Leg."),
         expect=[fact("wet leg", previous=["radiohead"])], absent=["radiohead"]),
]

NOT_CHANGES = [
    case("stopped-by-the-bakery", "not-ended",
         session("I love the bakery on Elm Street."),
         session("I stopped by the bakery on my way home."),
         expect=[fact("loves", "bakery on elm street"), fact("stopped by the bakery")]),
    case("left-my-keys", "not-ended",
         session("I work at the office downtown."),
         session("I left my keys at the office again."),
         expect=[fact("works at the office"), fact("left", "keys")]),
    case("sold-cookies", "not-ended",
         session("I love baking cookies."),
         session("I sold cookies at the school fair."),
         expect=[fact("loves baking cookies"), fact("sold cookies")]),
    case("left-for-a-trip", "not-ended",
         session("I live in Chicago."),
         session("I left Chicago for a week of vacation."),
         expect=[fact("lives in chicago")]),
    case("old-sofa-new-sofa", "not-ended",
         session("We have a new sofa from IKEA."),
         session("We sold our old sofa on Marketplace."),
         expect=[fact("new sofa from ikea"), fact("sold", "old sofa")]),
    case("stopped-running-not-the-bakery", "not-ended",
         session("I run a small bakery downtown."),
         session("I stopped running on the treadmill."),
         expect=[fact("runs a small bakery")]),
    case("not-x-that-corrects-nothing", "not-correction",
         session("My sister lives in London.", bot("Do you visit her often?"), "I'm going to Paris, not London."),
         expect=[fact("sister lives in london"), fact("paris")]),
    case("actually-without-correction", "not-correction",
         session("I moved to Denver in the summer.", bot("How do you like it?"), "Actually, I love it here."),
         expect=[fact("moved to denver")]),
    case("sorry-for-the-late-reply", "not-correction",
         session("I live in Porto.", bot("Nice."), "Sorry for the late reply! I've been busy with work."),
         expect=[fact("lives in porto")]),
    case("meant-to-call", "not-correction",
         session("My mom lives in Toronto.", bot("Do you talk often?"), "I meant to visit Toronto last spring."),
         expect=[fact("mom lives in toronto")]),
    case("other-quit-ends-nothing", "not-ended",
         session("I play tennis every Sunday."),
         session("I quit the book club last month."),
         expect=[fact("plays tennis every sunday"), fact("quit the book club")]),
    case("sister-ended-not-me", "not-ended",
         session("My sister plays in a band."),
         session("I stopped playing in the band."),
         expect=[fact("sister plays in a band")]),
]

CASES = CORRECTIONS + REPEATS + ENDED + NEW_VALUES + NOT_CHANGES


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)


def test_repeat_keeps_both_sources(suite_client: Any) -> None:
    """Said twice in one session: one memory whose sources are both messages."""
    user = suite_client.create_user("repeat-sources")
    s = user.create_session()
    for role, text in ((MessageRole.USER, "I'm vegan."), (MessageRole.ASSISTANT, "Noted!"),
                       (MessageRole.USER, "Again, just so you remember: I'm vegan.")):
        s.add_message(role, text)
    s.process(wait=True, timeout=60, poll_interval=0.02)
    [memory] = user.list_memories().items
    assert {(x.session_id, x.message_index) for x in memory.sources or []} == {(s.session_id, 0), (s.session_id, 2)}


def test_an_explicit_end_is_an_update_even_with_merge_conflicts_on(suite_client: Any) -> None:
    """"I quit my job" says the old fact no longer holds: a version, never a merge conflict."""
    user = suite_client.create_user("ended-conflicts-on", merge_conflict_enabled=True)
    for text in ("I work at Initech as a developer.", "I quit my job at Initech last week."):
        s = user.create_session()
        s.add_message(MessageRole.USER, text)
        s.process(wait=True, timeout=60, poll_interval=0.02)
    [memory] = user.list_memories(include_previous_versions=True).items
    assert "quit" in memory.content and memory.version_number == 2
    assert [v.expiration_reason for v in memory.previous_versions or []] == ["UPDATED"]
    assert user.list_merge_conflicts().total == 0


def test_an_in_session_correction_leaves_no_version(suite_client: Any) -> None:
    """The wrong value was never a fact: the corrected memory is a first version."""
    user = suite_client.create_user("correction-no-version")
    s = user.create_session()
    for role, text in ((MessageRole.USER, "My flight to Oslo is on the 12th."), (MessageRole.ASSISTANT, "Noted."),
                       (MessageRole.USER, "Sorry, I meant the 14th.")):
        s.add_message(role, text)
    s.process(wait=True, timeout=60, poll_interval=0.02)
    [memory] = user.list_memories(include_previous_versions=True).items
    assert "14" in memory.content and memory.version_number == 1 and not memory.previous_versions
    assert memory.event_date_start.date() == date(2026, 12, 14) or "14th" in memory.content
