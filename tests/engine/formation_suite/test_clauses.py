"""Formation suite (issue 13): clauses keep every detail, pronouns resolve, openers and labels are not facts.

Realistic chats of the kinds issue 13 names: profiles, health, work, travel, family, preferences with
qualifiers, third parties, facts inside questions and requests, hypotheticals and wishes, filler, secrets,
pronouns across messages, and colon openers that are not speakers. Every case also passes the hygiene
checker (the harness checks each current memory).
"""

from __future__ import annotations

from typing import Any

import pytest

from .harness import Case, bot, case, check, fact, params, run_case, session

PROFILE = [
    case("intro-age-job-city", "profile",
         session("Hey there! I'm a 29-year-old physiotherapist and I live in Leeds.",
                 bot("Nice to meet you! How can I help?")),
         expect=[fact("29-year-old physiotherapist"), fact("lives in leeds")]),
    case("languages-with-degree", "profile",
         session("I speak Portuguese fluently and a bit of Japanese."),
         expect=[fact("portuguese fluently", "bit of japanese")]),
    case("shift-pattern", "work",
         session("I work as a night nurse at St Mary's, Monday to Thursday only."),
         expect=[fact("night nurse", "monday to thursday only")]),
    case("not-quitting-keeps-the-verb", "profile",
         session("The thesis is brutal but I'm not going to quit, no matter what."),
         expect=[fact("not going to quit")], absent=["giving up"]),
]

HEALTH = [
    case("intolerance-with-reason", "health",
         session("I've been lactose intolerant since I was a kid, so I stick to oat milk."),
         expect=[fact("lactose intolerant"), fact("oat milk")]),
    case("medication-qualifier", "health",
         session("I take ibuprofen for my back, but only on bad days."),
         expect=[fact("ibuprofen", "only on bad days")]),
    case("heads-up-opener", "health",
         session("Just a heads up, I'm on blood thinners now.", bot("Thanks, I'll keep that in mind.")),
         expect=[fact("blood thinners")], absent=["heads up"]),
    case("diabetes-inside-question", "health",
         session("Since I have type 1 diabetes, what snacks are safe before a long run?",
                 bot("Slow carbs like oatcakes work well; check your levels first.")),
         expect=[fact("type 1 diabetes")]),
    case("allergy-as-participle", "health",
         session("Being allergic to shellfish, which Thai dishes should I avoid?"),
         expect=[fact("allergic to shellfish", category="allergies")]),
    case("pregnancy-dash-question", "health",
         session("I'm seven months pregnant - is it safe to fly to Madeira?",
                 bot("Most airlines allow it until 36 weeks, but check with your midwife.")),
         expect=[fact("seven months pregnant")]),
]

WORK = [
    case("fun-fact-former-job", "work",
         session("Fun fact: I used to be a sous chef before I switched to software."),
         expect=[fact("sous chef")], absent=["fun fact"]),
    case("as-a-profession-question", "work",
         session("As a freelance translator, how should I invoice clients in Germany?"),
         expect=[fact("freelance translator")]),
    case("remote-days-exception", "work",
         session("I work from home on Mondays and Fridays, except in August."),
         expect=[fact("mondays and fridays", "except in august")]),
    case("update-label-new-employer", "work",
         session("Update: I got the job at Spotify!", bot("Congratulations, that's fantastic news!")),
         expect=[fact("spotify")], absent=["update", "congratulations"]),
    case("given-that-shifts", "work",
         session("Given that I work twelve-hour shifts, how can I fit in exercise?"),
         expect=[fact("twelve-hour shifts")]),
    case("retired-now-that", "work",
         session("Now that I've retired, what hobbies would you recommend for someone who likes being outdoors?"),
         expect=[fact("retired")]),
]

TRAVEL = [
    case("flight-in-request", "travel",
         session("I'm flying to Osaka for a conference - any tips for getting from Kansai airport?"),
         expect=[fact("flying to osaka", "conference")]),
    case("passport-renewal", "travel",
         session("My passport expires soon, so I need to renew it before the trip to Peru."),
         expect=[fact("passport expires")]),
    case("seat-preference-exception", "preferences",
         session("I prefer window seats, except on long-haul flights where I take the aisle."),
         expect=[fact("window seats", "except on long-haul flights")]),
    case("wish-northern-lights", "hypothetical",
         session("I'd really love to see the northern lights in Norway one day."),
         expect=[fact("love to see the northern lights")], absent=[("saw", "northern lights"), "visited"]),
    case("hypothetical-move-question", "hypothetical",
         session("If I ever end up moving to Lisbon, would I need a car?",
                 bot("Not really, the metro and trams cover most of the city.")),
         absent=[("lives", "lisbon"), ("moved", "lisbon")]),
    case("conditional-relocation", "hypothetical",
         session("If we get the visa, we'll relocate to Toronto next spring."),
         absent=[("lives", "toronto"), ("moved", "toronto")]),
]

FAMILY = [
    case("daughter-she-across-messages", "pronouns",
         session("My daughter just started kindergarten.", bot("That's a big step! How is she finding it?"),
                 "She loves it, especially the painting corner."),
         expect=[fact("daughter loves it", "painting corner")]),
    case("brother-his-wedding", "pronouns",
         session("My brother Tom is getting married in May.", bot("How exciting!"),
                 "I'm giving a speech at his wedding and I'm terrified."),
         expect=[fact("speech at tom's wedding")]),
    case("parents-they-across-messages", "pronouns",
         session("My parents are visiting from Porto next week.", bot("Lovely, any plans?"),
                 "They've never been to Scotland, so we're driving up to Skye."),
         expect=[fact("parents have never been to scotland")]),
    case("grandma-her-party", "pronouns",
         session("My grandma turns 90 on Saturday.", bot("What a milestone!"),
                 "We're throwing her a surprise party at the community hall."),
         expect=[fact("surprise party", "grandma")]),
    case("colleague-him", "pronouns",
         session("My colleague Marco keeps taking credit for my work.", bot("That sounds frustrating."),
                 "I'm going to talk to him on Monday."),
         expect=[fact("talk to marco")]),
    case("ambiguous-she-stays-unresolved", "pronouns",
         session("My sister and my mum both live in Cork.", bot("Do you get to see them often?"),
                 "She's moving to Dublin in the spring though."),
         absent=[("sister", "moving to dublin"), ("mum", "moving to dublin"), ("she's",)]),
    case("rescue-dog-his-name", "pronouns",
         session("I adopted a rescue greyhound last month.", bot("Lovely! What's his name?"),
                 "His name is Pilot and he's very shy around men."),
         expect=[fact("greyhound's name is pilot")]),
    case("wife-third-party", "third-party",
         session("My wife Priya is a cardiologist at the Royal Infirmary."),
         expect=[fact("priya is a cardiologist")]),
    case("son-practice-days", "family",
         session("My son's football practice is on Tuesdays and Thursdays at 5."),
         expect=[fact("football practice", "tuesdays and thursdays")]),
    case("neighbour-teaches", "third-party",
         session("My neighbour Ruth teaches piano on Saturday mornings."),
         expect=[fact("ruth teaches piano on saturday mornings")]),
]

PREFERENCES = [
    case("decaf-after-2pm", "preferences",
         session("I only drink decaf after 2pm, otherwise I can't sleep."),
         expect=[fact("only drinks decaf after 2pm")]),
    case("spicy-not-on-weekdays", "preferences",
         session("I like spicy food, but not on weekdays because of my stomach."),
         expect=[fact("spicy food", "not on weekdays")]),
    case("honestly-cant-stand", "preferences",
         session("Honestly, I can't stand horror movies."),
         expect=[fact("can't stand horror movies")], absent=["honestly"]),
    case("wow-vegetarian", "preferences",
         session("Wow, okay, so I've gone fully vegetarian, no more bacon for me."),
         expect=[fact("vegetarian")], absent=["wow"]),
    case("tea-with-qualifier", "preferences",
         session("Oh, I drink green tea every morning, never coffee."),
         expect=[fact("green tea every morning")]),
]

FILLER = [
    case("one-more-thing-cat-name", "filler",
         session("Oh and one more thing: my cat is called Biscuit."),
         expect=[fact("cat is called biscuit")], absent=["one more thing"]),
    case("by-the-way-gym", "filler",
         session("By the way, I switched gyms, I go to PureGym on Crown Street now."),
         expect=[fact("puregym on crown street")], absent=["by the way"]),
    case("actually-left-handed", "filler",
         session("Actually, I'm left-handed, which makes some guitars awkward."),
         expect=[fact("left-handed")]),
    case("anyway-half-marathon", "filler",
         session("Anyway, I'm running the Berlin half marathon in April.",
                 bot("Great, let's plan your training around that.")),
         expect=[fact("berlin half marathon")], absent=["anyway"]),
    case("side-note-rent", "filler",
         session("Side note - my landlord is raising the rent by 8% in January."),
         expect=[fact("raising the rent by 8")], absent=["side note"]),
    case("greeting-not-a-fact", "assistant",
         session("I just moved to Munich for work.", bot("Welcome to Munich! Congratulations on the new position.")),
         expect=[fact("moved to munich")], absent=["welcome", "congratulations"]),
    case("thanks-then-allergy", "filler",
         session("Wow, thanks! Also, I'm allergic to cats, so no pet-friendly rentals please."),
         expect=[fact("allergic to cats")], absent=["thanks"]),
    case("before-i-forget", "filler",
         session("Before I forget, my flat is on the fourth floor and there's no lift."),
         expect=[fact("fourth floor")], absent=["forget"]),
]

COLON_OPENERS = [
    case("reminder-label", "colon",
         session("Reminder: my dentist appointment is at 9 on Friday."),
         expect=[fact("dentist appointment")], absent=["reminder"]),
    case("confirmed-label-from-assistant", "colon",
         session("Please remind me about the dentist.", bot("Confirmed: I'll remind you on Thursday evening.")),
         absent=["confirmed"]),
    case("ps-label", "colon",
         session("Can you adapt the pancake recipe? P.S.: I'm gluten-free."),
         expect=[fact("gluten-free")], absent=["p s"]),
    case("important-label", "colon",
         session("Important: I can't eat anything with sesame."),
         expect=[fact("sesame")], absent=["important"]),
    case("context-label", "colon",
         session("Context: I'm a beginner, I've only been climbing for two months."),
         expect=[fact("climbing for two months")], absent=["context"]),
    case("quick-update-label", "colon",
         session("Quick update: I passed my driving test!", bot("Well done!")),
         expect=[fact("passed", "driving test")], absent=["quick update", "well done"]),
    case("transcript-speakers", "colon",
         session("Lena: I just got back from Crete!", "Omar: How was it?", "Lena: Amazing, I swam every morning."),
         expect=[fact("lena just got back from crete"), fact("lena swam every morning")]),
]

QUESTIONS = [
    case("husband-relative-in-request", "question",
         session("Can you suggest a birthday present for my husband, who is really into woodworking?"),
         expect=[fact("husband is really into woodworking")]),
    case("vegan-and-partner-in-followup", "question",
         session("What should I cook tonight? I'm vegan and my partner hates mushrooms."),
         expect=[fact("vegan"), fact("partner hates mushrooms")]),
    case("toast-for-best-friend", "question",
         session("Help me write a toast for my best friend's wedding."),
         expect=[fact("best friend's wedding")]),
    case("knee-which-has-been-hurting", "question",
         session("What stretches help my lower back, which has been hurting since the move?"),
         expect=[fact("lower back has been hurting")]),
    case("someone-who-works-nights", "question",
         session("As someone who works nights, when should I eat my main meal?"),
         expect=[fact("works nights")]),
]

HYPOTHETICALS = [
    case("wish-could-speak", "hypothetical",
         session("I wish I could speak Italian."),
         absent=[("speaks italian",), ("user can speak italian",)]),
    case("if-more-time-cello", "hypothetical",
         session("If I had more time, I'd learn the cello."),
         absent=[("learns the cello",), ("plays the cello",)]),
    case("someday-bakery", "hypothetical",
         session("Someday I want to open a little bakery by the sea."),
         expect=[fact("open a little bakery")], absent=[("owns", "bakery")]),
    case("might-get-cat", "hypothetical",
         session("I might get a cat if my landlord allows it."),
         absent=[("has a cat",)]),
    case("ideal-world-kyoto", "hypothetical",
         session("In an ideal world I'd live in Kyoto."),
         absent=[("lives in kyoto",)]),
]

SECRETS = [
    case("password-not-stored", "secret",
         session("My online banking password is Tulip!2291, can you remember it?",
                 bot("I can't store passwords; please use a password manager.")),
         absent=["tulip", "2291"]),
    case("pin-dropped-city-kept", "secret",
         session("My PIN is 4417 and I live in Ghent."),
         expect=[fact("ghent")], absent=["4417"]),
]

DEICTIC = [
    case("photo-caption-shared", "deictic",
         session("Here's a photo of the quilt I finished for my niece."),
         expect=[fact("photo of the quilt", "niece")]),
    case("it-resolves-to-bought-thing", "deictic",
         session("I finally bought a road bike last weekend.", bot("Nice! How do you like it?"),
                 "It's light and fast, I ride it to the office now."),
         expect=[fact("road bike is light and fast")]),
    case("expletive-it-kept-attributed", "deictic",
         session("It's been three years since I last smoked a cigarette."),
         expect=[fact("three years since", "last smoked")]),
    case("vague-sentiment-dropped", "deictic",
         session("I started volunteering at the animal shelter in March.", bot("That's lovely. How is it going?"),
                 "It's an important part of my life now."),
         expect=[fact("volunteering at the animal shelter")], absent=["important part"]),
    case("attachment-note-caption", "deictic",
         session("Finished the mural at last! [shares a photo: a photo of a mural of a blue whale on a brick wall]"),
         expect=[fact("photo of a mural of a blue whale")]),
    case("demonstrative-noun-phrase", "deictic",
         session("This recipe came from my grandmother in Naples."),
         expect=[fact("recipe came from", "grandmother in naples")]),
]

MORE = [
    case("with-toddlers-question", "question",
         session("With two toddlers at home, what are some easy weeknight dinners?"),
         expect=[fact("two toddlers at home")]),
    case("first-marathon-mention", "question",
         session("Any tips for my first marathon in Berlin?", bot("Start slow and practise your fuelling.")),
         expect=[fact("first marathon in berlin")]),
    case("boss-he-next-message", "pronouns",
         session("My boss is really strict about hours.", bot("That sounds stressful."),
                 "He never lets me leave before six."),
         expect=[fact("boss never lets")]),
    case("cat-named-she", "pronouns",
         session("I have a cat named Luna.", bot("Cute name!"), "She's three and very vocal."),
         expect=[fact("luna is three")]),
    case("kids-they-same-message", "pronouns",
         session("My kids are 5 and 8. They love building Lego castles."),
         expect=[fact("kids love building lego castles")]),
    case("life-update-label", "colon",
         session("Life update: I got engaged last weekend!", bot("Congratulations!")),
         expect=[fact("got engaged")], absent=["life update", "congratulations"]),
    case("real-quick-opener", "filler",
         session("Real quick - I'm allergic to bee stings."),
         expect=[fact("allergic to bee stings")], absent=["real quick"]),
    case("not-sure-if-mentioned", "filler",
         session("Not sure if I mentioned it, but I have a peanut allergy."),
         expect=[fact("peanut allergy")], absent=["not sure"]),
]

CASES = [*PROFILE, *HEALTH, *WORK, *TRAVEL, *FAMILY, *PREFERENCES, *FILLER, *COLON_OPENERS, *QUESTIONS,
         *HYPOTHETICALS, *SECRETS, *DEICTIC, *MORE]


@pytest.mark.parametrize("c", params(CASES))
def test_case(suite_client: Any, c: Case) -> None:
    check(run_case(suite_client, c), c)


def test_enough_cases() -> None:
    assert len(CASES) >= 55
    assert len({c.id for c in CASES}) == len(CASES)
