"""The conversation the real-model tier and ``benchmarks/llm_ingest.py --real`` process: eight turns in which a
person states facts about themselves (work, family, health, plans), as a user tells an assistant."""

from __future__ import annotations

from datetime import UTC, datetime

CHAT_DATE = datetime(2024, 3, 11, 18, 30, tzinfo=UTC)  # a Monday

CHAT: list[tuple[str, str]] = [
    ("user", "Hi! I'm Priya. I moved to Lisbon from Toronto last month for a new job."),
    ("assistant", "Welcome to Lisbon, Priya! What is the new job?"),
    ("user", "I'm a data engineer at a fintech startup called Pagaleve. My manager is Tomás."),
    ("assistant", "That sounds exciting. How are you finding the city so far?"),
    ("user", "I love it, but I'm allergic to shellfish, so eating out here is tricky."),
    ("assistant", "That can be hard in Portugal. Have you found any safe places yet?"),
    ("user", "My sister Anjali is visiting in June and I want to take her to Sintra. "
             "I also started Portuguese lessons on Tuesday evenings."),
    ("assistant", "Sintra in June will be lovely, and the lessons will help a lot!"),
]

QUESTION = "What should I cook for my sister when she visits, given what you know about me?"
