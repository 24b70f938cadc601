"""The HTTP layer: FastAPI routes over the engine."""

from .app import create_app

__all__ = ["create_app"]
