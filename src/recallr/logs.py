"""Logging for the ``recallr`` commands, configured in one place: readable text, or one JSON object per line.

``logging_config(settings)`` is a ``logging.config.dictConfig`` dictionary covering Recallr's and uvicorn's
loggers; ``recallr serve`` hands it to uvicorn, which applies it in every worker process it starts, and the other
commands apply it with ``configure_logging``. With ``RECALLR_LOG_FORMAT=json`` every line is a JSON object with
``time``, ``level``, ``logger`` and ``message``, plus ``request_id`` for lines written while a request is served;
the server's access lines (logger ``recallr.access``, replacing uvicorn's) add ``project_id`` (never a key),
``method``, ``route`` (the route's template: no user or session id), ``status`` and ``duration_ms``.

Example::

    configure_logging(Settings(log_format="json"))
    logging.getLogger("recallr").info("ready")
    # {"time": "2026-01-01T12:00:00.000Z", "level": "INFO", "logger": "recallr", "message": "ready"}
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from .settings import Settings

#: The id of the request being served (set by ``recallr.server.observe``), copied into every JSON log line.
request_id: ContextVar[str | None] = ContextVar("recallr_request_id", default=None)

#: ``extra=`` fields of a log record that a JSON line carries, in this order.
FIELDS = ("request_id", "project_id", "method", "route", "status", "duration_ms")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in messages and tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line: dict[str, Any] = {"time": stamp.replace("+00:00", "Z"), "level": record.levelname,
                                "logger": record.name, "message": record.getMessage()}
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if "request_id" not in line and (current := request_id.get()) is not None:
            line["request_id"] = current
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(settings: Settings) -> dict[str, Any]:
    """The ``dictConfig`` for ``settings.log_level`` and ``settings.log_format``."""
    level = settings.log_level.upper()
    json_lines = settings.log_format == "json"
    formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"} if json_lines else {"format": TEXT_FORMAT}
    handler = {"class": "logging.StreamHandler", "formatter": "recallr", "stream": "ext://sys.stderr"}
    # JSON: recallr.access writes the access lines (route template, project id); uvicorn's own would repeat them
    # with the raw path, which holds user ids.
    access = {"handlers": [], "level": "WARNING", "propagate": False} if json_lines else \
        {"handlers": ["recallr"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"recallr": formatter},
        "handlers": {"recallr": handler},
        "root": {"handlers": ["recallr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["recallr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": access,
        },
    }


def configure_logging(settings: Settings) -> None:
    """Apply ``logging_config(settings)`` to this process."""
    logging.config.dictConfig(logging_config(settings))
