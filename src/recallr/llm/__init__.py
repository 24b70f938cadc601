"""LLM mode: memory formation and query planning by a model behind an OpenAI-compatible endpoint.

Layout (one concern a module; prompts live in ``recallr.prompts``)::

    provider.py       Endpoint: the openai client, timeouts, retries/backoff (Retry-After), concurrency limit
    parsing.py        tolerant JSON (code fences, trailing text, single quotes, <think> blocks)
    structured.py     Prompt -> validated answer: JSON schema -> JSON mode -> text, one corrective retry
    steps.py          StepRunner: what a session's steps share, and the fallback policy
    extraction.py     LLMExtractor (batched to the context window) and LLMSummarizer
    consolidation.py  LLMConsolidator: verdicts and clarifying questions prepared outside the write lock
    resolution.py     applying answers to LLM-written clarifying questions
    planner.py        QueryPlanner for agentic, deep and auto recall
    embedder.py       embeddings from the endpoint (optional)
    config.py         server settings under a project's overrides
    usage.py          token and call counters
    service.py        LLMService: the engine's hooks and the project-facing operations

Nothing here imports ``openai`` until a project actually uses a model; with no model configured the
engine runs the offline pipeline, exactly as without this package. See docs/llm.md.
"""

from .errors import LLMError, LLMOutputError, LLMRequestError, LLMUnavailableError
from .service import LLMService

__all__ = ["LLMError", "LLMOutputError", "LLMRequestError", "LLMService", "LLMUnavailableError"]
