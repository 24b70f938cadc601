"""Prompt texts, one module per task, each versioned (``VERSION``).

Every LLM task is a module with a context dataclass, ``messages(context) -> list[ChatMessage]``, a Pydantic
response model and ``prompt(context) -> Prompt``: ``extraction``, ``consolidation``, ``clarification``,
``resolution``, ``summary`` and ``query_plan``. ``system_prompt`` is the text handed to the assistant's own LLM.
"""
