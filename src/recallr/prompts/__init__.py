"""Prompt texts, one module per task, each versioned (``VERSION``)."""
