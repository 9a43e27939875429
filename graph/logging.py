"""Structured JSON logs (structlog): one line per request, errors with their request id."""

from __future__ import annotations

import logging
import sys

import orjson
import structlog
from structlog.tracebacks import ExceptionDictTransformer


def _dumps(value: object, **_kwargs: object) -> str:
    return orjson.dumps(value, default=str).decode()


_configured = False


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr, with the request id bound for the whole request (once a process)."""
    global _configured
    if _configured:
        return
    _configured = True
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # No local variables in tracebacks: they would log settings and tokens.
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    """A structured logger named after its module."""
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
