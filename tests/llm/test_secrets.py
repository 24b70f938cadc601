"""LLM mode: no prompt sent to the model carries a secret, and a summary the model writes with one is redacted."""

from __future__ import annotations

from recallr import RecallrAI

from .conftest import conversation, process
from .fake_openai import FakeLLM
from .scripted import ScriptedModel


def test_prompts_and_model_summaries_are_redacted(client: RecallrAI, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.summary = "The user said their wifi password is hunter2 and likes tea."
    user = client.create_user("llm-secret")
    session = process(conversation(user, "My wifi password is hunter2 and my pin is 4821.", "Noted!",
                                   "I like green tea."))
    sent = [r.system_text + r.user_text for r in fake_llm.chats()]
    assert sent and all("hunter2" not in text and "4821" not in text for text in sent)
    assert any("[redacted]" in text for text in sent)
    asked = user.create_session(auto_process_after_seconds=None)
    asked.add_message("user", "What do I like to drink?")
    context = asked.get_context(last_n_summaries=1, include_system_prompt=False).context
    assert "hunter2" not in context and "wifi password is [redacted]" in context
    assert session.get_messages().messages[0].content == "My wifi password is hunter2 and my pin is 4821."
