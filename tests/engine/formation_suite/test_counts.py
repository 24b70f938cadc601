"""Counts that grow by what is added, and names that rename a thing (issue 13, items 1 and 2).

* "I have 37 coins" and, later, "I added a new coin to the collection" make the count's next version 38, dated to
  the addition; the addition stays a memory of its own, with its detail;
* an addition raises only a count that holds now, of the same thing, by the same person, of the same kind
  (owned, or done: "read", "run"): a new phone replaces the old one, a count of last week's books is last week's,
  a friend's new dog is not the user's;
* a subject said after its clause ("It's the best part of my week, climbing.") is put back as its subject;
* ", Piranesi" after "another book" names the book; after a plural noun, or when it is the listener's name, it is
  said to someone and dropped.
"""

from __future__ import annotations

from typing import Any

import pytest

from .harness import bot, case, check, fact, params, run_case, session

CASES = [
    case("stamps-added-to-collection", "updates",
         session("I collect vintage stamps. I have 212 stamps in my album so far.", bot("What a collection!")),
         session("I added a new stamp to my album yesterday, a 1935 Silver Jubilee one.",
                 bot("That's a lovely piece.")),
         expect=[fact("213 stamps", previous=["212 stamps"]), fact("1935 silver jubilee")],
         absent=["212 stamps"]),
    case("records-two-more", "updates",
         session("I own 40 vinyl records.", bot("Nice, any favourites?")),
         session("Picked up three more records at the flea market today!"),
         expect=[fact("43 vinyl records", previous=["40 vinyl records"]), fact("three more records", "flea market")],
         absent=["40 vinyl records"]),
    case("marathons-another", "updates",
         session("I've run 6 marathons so far."),
         session("I ran another marathon on Sunday, Valencia this time.", bot("Congratulations!")),
         expect=[fact("run 7 marathons", previous=["6 marathons"]), fact("valencia")], absent=["6 marathons"]),
    case("cats-another", "updates",
         session("We have two cats, Pip and Olive."),
         session("I adopted another cat from the shelter last week."),
         expect=[fact("3 cats", previous=["two cats"]), fact("adopted another cat", "shelter")],
         absent=[("have", "two cats")]),
    case("same-session-count-and-addition", "updates",
         session("I have 15 succulents on my balcony.", bot("They're easy to care for."),
                 "Oh and I just bought two more succulents this morning."),
         expect=[fact("17 succulents", previous=["15 succulents"])], absent=["15 succulents"]),
    case("new-phone-replaces", "updates",
         session("I have 2 phones, one for work."), session("I got a new phone last week."),
         expect=[fact("2 phones"), fact("new phone")], absent=["3 phones"]),
    case("past-count-is-not-raised", "updates",
         session("I read 3 books last week."), session("I finished another book today."),
         expect=[fact("read 3 books"), fact("finished another book")], absent=["4 books"]),
    case("read-is-not-owned", "updates",
         session("I've read 20 books this year."), session("I bought another book, a cookbook."),
         expect=[fact("read 20 books"), fact("bought another book", "cookbook")], absent=["21 books"]),
    case("friends-addition-is-not-the-users", "updates",
         session("I have 2 dogs."), session("My friend Sam got another dog, a beagle."),
         expect=[fact("2 dogs"), fact("sam", "beagle")], absent=["3 dogs"]),
    case("book-named-after-comma", "profile",
         session("Just finished another book, Piranesi.", bot("Did you like it?")),
         expect=[fact("another book", "piranesi")]),
    case("puppy-named-after-comma", "pets",
         session("Big news: we adopted a puppy, Biscuit!", bot("Congratulations!")),
         expect=[fact("adopted a puppy", "biscuit")]),
    case("dislocated-activity", "hobbies",
         session("It's the best part of my week, climbing.", bot("Where do you climb?")),
         expect=[fact("climbing is the best part of", "week")]),
    case("dislocated-relative", "family",
         session("He's a retired firefighter, my grandad.", bot("He must have stories!")),
         expect=[fact("user's grandad is a retired firefighter")]),
    case("dislocation-look-alike", "filler",
         session("It was so much fun, Sam!", bot("Glad you enjoyed it.")), absent=["sam was"]),
    case("vocative-after-plural-is-dropped", "profile",
         session("I took the twins to the zoo with my parents, Jo!"),
         expect=[fact("zoo", "parents")], absent=["jo"]),
]


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Any) -> None:
    check(run_case(suite_client, c), c)
