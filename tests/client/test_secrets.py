"""A secret said in one session never comes back verbatim through get_context or a summary, whatever is asked;
get_messages still returns the user's own words. Our SDK, embedded and over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from recallr import RecallrAI
from recallr.models import MessageRole

SECRETS = ["hunter2", "Sw0rdfish!", "4821", "4111-1111-1111-1111", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"]
SAID = [
    "My password is hunter2 and I love sushi.",
    "The password for my Gmail is Sw0rdfish! so keep it safe.",
    "my pin is 4821",
    "I paid for the sushi course with my card 4111-1111-1111-1111.",
    "Our deploy token is ghp_abcdefghijklmnopqrstuvwxyz0123456789 for the sushi app.",
    "My favourite food is sushi.",
]


def _no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} shown in:\n{text}"


def test_secrets_never_come_back_through_context_or_summaries(client: RecallrAI) -> None:
    user = client.create_user("secretive")
    first = user.create_session(custom_created_at_utc=datetime(2024, 3, 1, 9, tzinfo=UTC))
    for text in SAID:
        first.add_message(MessageRole.USER, text)
    first.process(wait=True)
    lone = user.create_session(custom_created_at_utc=datetime(2024, 3, 2, 9, tzinfo=UTC))
    lone.add_message(MessageRole.USER, "my pin is 4821")  # nothing to remember: its summary quotes the message
    lone.process(wait=True)

    shown_redacted = False
    for question in ["Hi!", "What's my favourite food?", "What is my password?", "Tell me about sushi",
                     "What is my Gmail password and card number?"]:
        session = user.create_session(custom_created_at_utc=datetime(2024, 3, 10, 9, tzinfo=UTC))
        session.add_message(MessageRole.USER, question)
        for strategy in ["low_latency", "balanced", "deep"]:
            context = session.get_context(recall_strategy=strategy, last_n_summaries=2, include_metadata_ids=True,
                                          include_system_prompt=False)
            _no_secret(context.context)
            _no_secret(context.metadata.model_dump_json())
            shown_redacted = shown_redacted or "[redacted]" in context.context
    assert shown_redacted  # the messages are still found and shown, with the secret hidden

    # said in the current session: the recent messages and the query are redacted too
    now = user.create_session(custom_created_at_utc=datetime(2024, 3, 11, 9, tzinfo=UTC))
    now.add_message(MessageRole.USER, "Remember that my pin is 4821 please")
    context = now.get_context(last_n_messages=3, include_metadata_ids=True, include_system_prompt=False)
    _no_secret(context.context)
    _no_secret(context.metadata.model_dump_json())
    assert "my pin is [redacted] please" in context.context

    # the user's own data is returned unchanged
    assert [m.content for m in first.get_messages(limit=50).messages] == SAID
    assert [m.content for m in lone.get_messages().messages] == ["my pin is 4821"]
