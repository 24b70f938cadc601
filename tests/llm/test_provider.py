"""What Recallr sends to an OpenAI-compatible endpoint, and every recovery path, against the fake server."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from recallr.exceptions import ConfigurationError
from recallr.llm.errors import EndpointBusy, LLMOutputError, LLMRequestError, LLMUnavailableError
from recallr.llm.provider import Endpoint, is_local, load_openai
from recallr.llm.structured import CallOptions, FormatMemory, StructuredCaller
from recallr.llm.usage import Usage, UsageMeter
from recallr.prompts import query_plan, summary

from .conftest import MODEL
from .fake_openai import FakeLLM, Reply

WHEN = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
PLAN = {"vector_queries": ["Caroline support group"], "keywords": ["caroline"], "date_ranges": [],
        "reasoning": "Search the support group."}


class Sleeps:
    """Records the waits between retries instead of sleeping them (the delays are what is under test)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def endpoint(fake_llm: FakeLLM, sleeps: Sleeps) -> Iterator[Endpoint]:
    ep = Endpoint(fake_llm.url, "sk-test", limiter=threading.BoundedSemaphore(4), sleep=sleeps)
    yield ep
    ep.close()


def caller(endpoint: Endpoint, **options: object) -> StructuredCaller:
    opts = CallOptions(**{"max_tokens": 300, "timeout": 5.0, "max_retries": 3, **options})  # type: ignore[arg-type]
    return StructuredCaller(endpoint, MODEL, formats=FormatMemory(), options=opts, endpoint_key=endpoint.base_url or "")


def plan_prompt() -> query_plan.Prompt[query_plan.QueryPlan]:
    return query_plan.prompt(query_plan.QueryPlanContext(WHEN, "What did Caroline do?", [], False))


# -- what is sent -------------------------------------------------------------------------------------------------
def test_request_contract(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(Reply(json=PLAN, usage=(120, 30)))
    meter = UsageMeter()
    plan = caller(endpoint, temperature=0.2).ask(plan_prompt(), meter)
    assert plan.vector_queries == ["Caroline support group"]
    (request,) = fake_llm.requests
    body = request.body
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert body["model"] == MODEL and body["max_tokens"] == 300 and body["temperature"] == 0.2
    assert body["messages"] == plan_prompt().messages
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "recallr_query_plan", "schema": query_plan.QueryPlan.model_json_schema(), "strict": False}}
    assert meter.by_task() == {"query_plan": {**Usage().as_dict(), "calls": 1, "prompt_tokens": 120,
                                              "completion_tokens": 30}}


def test_format_steps_down_and_is_remembered(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.reject_formats = {"json_schema", "json_object"}
    fake_llm.responder = lambda _: Reply(content=f"Here you go:\n```json\n{PLAN}\n```".replace("'", '"'))
    ask = caller(endpoint)
    assert ask.ask(plan_prompt(), UsageMeter()).keywords == ["caroline"]
    sent = [(r.body.get("response_format") or {}).get("type") for r in fake_llm.requests]
    assert sent == ["json_schema", "json_object", None]
    ask.ask(plan_prompt(), UsageMeter())
    assert "response_format" not in fake_llm.requests[-1].body  # plain text from now on


def test_json_mode_is_used_when_only_schemas_are_refused(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.reject_formats = {"json_schema"}
    fake_llm.responder = lambda _: Reply(json=PLAN)
    caller(endpoint).ask(plan_prompt(), UsageMeter())
    assert fake_llm.requests[-1].body["response_format"] == {"type": "json_object"}


def test_a_fixed_format_is_not_stepped_down(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.reject_formats = {"json_object"}
    with pytest.raises(LLMRequestError, match="response_format"):
        caller(endpoint, structured_output="json_object").ask(plan_prompt(), UsageMeter())
    assert len(fake_llm.requests) == 1


def test_max_completion_tokens_quirk_is_learnt(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(Reply(status=400, error="Unsupported parameter: 'max_tokens' is not supported with this model. "
                                            "Use 'max_completion_tokens' instead."))
    fake_llm.responder = lambda _: Reply(json=PLAN)
    ask = caller(endpoint)
    ask.ask(plan_prompt(), UsageMeter())
    ask.ask(plan_prompt(), UsageMeter())
    assert [("max_tokens" in r.body, r.body.get("max_completion_tokens")) for r in fake_llm.requests] == [
        (True, None), (False, 300), (False, 300)]


# -- answers that need repair or a second try ---------------------------------------------------------------------
@pytest.mark.parametrize("content", [
    pytest.param("```json\n{\"vector_queries\": [\"a\"], \"reasoning\": \"r\"}\n```", id="code-fence"),
    pytest.param("{\"vector_queries\": [\"a\"], \"reasoning\": \"r\"}\nI hope this helps!", id="trailing-text"),
    pytest.param("{'vector_queries': ['a'], 'reasoning': 'r',}", id="single-quotes"),
])
def test_malformed_json_is_repaired_without_a_retry(fake_llm: FakeLLM, endpoint: Endpoint, content: str) -> None:
    fake_llm.script(Reply(content=content))
    assert caller(endpoint).ask(plan_prompt(), UsageMeter()).vector_queries == ["a"]
    assert len(fake_llm.requests) == 1


def test_one_retry_shows_the_validation_error(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(Reply(content='{"summary": ""}'), Reply(json={"summary": "They talked."}))
    meter = UsageMeter()
    prompt = summary.prompt(summary.SummaryContext(WHEN, ["Caroline went out."]))
    assert caller(endpoint).ask(prompt, meter).summary == "They talked."
    retry = fake_llm.requests[1].body["messages"]
    assert retry[:2] == prompt.messages
    assert retry[2] == {"role": "assistant", "content": '{"summary": ""}'}
    assert retry[3]["role"] == "user" and "summary: String should have at least 3 characters" in retry[3]["content"]
    assert meter.by_task()["summary"]["retries"] == 1 and meter.by_task()["summary"]["calls"] == 2


def test_two_unusable_answers_are_an_output_error(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(Reply(content="Sorry, I cannot help."), Reply(content="Still no JSON."))
    with pytest.raises(LLMOutputError, match="no JSON") as caught:
        caller(endpoint).ask(plan_prompt(), UsageMeter())
    assert not caught.value.truncated and len(fake_llm.requests) == 2


def test_a_cut_off_answer_is_not_retried(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(Reply(content='{"vector_queries": ["a", "b', finish_reason="length"))
    with pytest.raises(LLMOutputError) as caught:
        caller(endpoint).ask(plan_prompt(), UsageMeter())
    assert caught.value.truncated and len(fake_llm.requests) == 1


# -- transport failures -------------------------------------------------------------------------------------------
def test_429_honours_retry_after(fake_llm: FakeLLM, endpoint: Endpoint, sleeps: Sleeps) -> None:
    fake_llm.script(Reply(status=429, headers={"retry-after": "7"}),
                    Reply(status=429, headers={"retry-after-ms": "250"}), Reply(json=PLAN))
    meter = UsageMeter()
    caller(endpoint).ask(plan_prompt(), meter)
    assert sleeps.waits == [7.0, 0.25]
    assert meter.by_task()["query_plan"]["retries"] == 2 and meter.by_task()["query_plan"]["calls"] == 1


def test_5xx_backs_off_exponentially(fake_llm: FakeLLM, endpoint: Endpoint, sleeps: Sleeps) -> None:
    fake_llm.script(Reply(status=500), Reply(status=503), Reply(status=502), Reply(json=PLAN))
    caller(endpoint).ask(plan_prompt(), UsageMeter())
    assert len(sleeps.waits) == 3
    for wait, base in zip(sleeps.waits, (0.5, 1.0, 2.0), strict=True):
        assert 0.75 * base <= wait <= 1.25 * base


def test_a_timeout_is_not_sent_again_and_keeps_its_slot(fake_llm: FakeLLM, sleeps: Sleeps) -> None:
    endpoint = Endpoint(fake_llm.url, None, limiter=threading.BoundedSemaphore(4), slots=1, sleep=sleeps)
    fake_llm.script(Reply(json=PLAN, delay=1.0), Reply(json=PLAN))
    meter = UsageMeter()
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError, match=r"timed out after 0\.3s"):
        caller(endpoint, timeout=0.3).ask(plan_prompt(), meter)
    assert time.monotonic() - started < 0.9 and len(fake_llm.requests) == 1 and sleeps.waits == []
    with pytest.raises(EndpointBusy):  # the server is still computing the abandoned request: its slot stays taken
        caller(endpoint, timeout=0.3, queue_wait=0.1).ask(plan_prompt(), meter)
    time.sleep(0.4)
    caller(endpoint, timeout=2.0).ask(plan_prompt(), meter)  # once it is likely done, the slot is free again
    assert len(fake_llm.requests) == 2
    used = meter.by_task()["query_plan"]
    assert (used["timeouts"], used["failed_requests"], used["retries"], used["calls"]) == (1, 1, 0, 1)
    endpoint.close()


def test_giving_up_after_the_retries(fake_llm: FakeLLM, endpoint: Endpoint, sleeps: Sleeps) -> None:
    fake_llm.responder = lambda _: Reply(status=500)
    with pytest.raises(LLMUnavailableError, match="gave up after 3 attempts: HTTP 500"):
        caller(endpoint, max_retries=2).ask(plan_prompt(), UsageMeter())
    assert len(fake_llm.requests) == 3 and len(sleeps.waits) == 2


def test_a_refused_connection_is_unavailable(sleeps: Sleeps) -> None:
    from tests.conftest import free_port

    endpoint = Endpoint(f"http://127.0.0.1:{free_port()}/v1", None, limiter=threading.BoundedSemaphore(1), sleep=sleeps)
    with pytest.raises(LLMUnavailableError, match="APIConnectionError"):
        caller(endpoint, max_retries=1).ask(plan_prompt(), UsageMeter())
    endpoint.close()


@pytest.mark.parametrize("status", [401, 404])
def test_client_errors_are_not_retried(fake_llm: FakeLLM, endpoint: Endpoint, status: int) -> None:
    fake_llm.script(Reply(status=status, error="no such model"))
    with pytest.raises(LLMRequestError, match=f"rejected the request \\(HTTP {status}\\)") as caught:
        caller(endpoint).ask(plan_prompt(), UsageMeter())
    assert len(fake_llm.requests) == 1
    # the provider's words are kept for the log, never in the message a project may see
    assert "no such model" not in str(caught.value) and caught.value.provider_message == "no such model"


def test_concurrency_limit_per_process(fake_llm: FakeLLM) -> None:
    fake_llm.latency = 0.15
    fake_llm.responder = lambda _: Reply(json=PLAN)
    endpoint = Endpoint(fake_llm.url, None, limiter=threading.BoundedSemaphore(2))
    ask = caller(endpoint)
    threads = [threading.Thread(target=ask.ask, args=(plan_prompt(), UsageMeter())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    endpoint.close()
    assert len(fake_llm.requests) == 8 and fake_llm.max_in_flight == 2


def test_missing_openai_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(ConfigurationError, match=r"llm extra of recallr-memory\): pip install 'openai>=1.30'"):
        load_openai()


@pytest.mark.parametrize(("url", "local"), [
    pytest.param("http://127.0.0.1:8080/v1", True, id="loopback"),
    pytest.param("http://localhost:11434/v1", True, id="localhost"),
    pytest.param("http://192.168.1.20:8000/v1", True, id="private"),
    pytest.param("http://[::1]:8000/v1", True, id="ipv6-loopback"),
    pytest.param("http://ollama:11434/v1", True, id="compose-service"),
    pytest.param("https://api.openai.com/v1", False, id="hosted"),
    pytest.param("https://8.8.8.8/v1", False, id="public-ip"),
    pytest.param(None, False, id="default-openai"),
])
def test_local_servers_are_recognised_for_their_single_slot(url: str | None, local: bool) -> None:
    assert is_local(url) is local
