"""Errors as clients see them: GraphQL errors as they are, unexpected ones masked.

An exception that is not a GraphQLError is a bug or an outage (a database error,
say); its message may hold SQL or internals. The client gets a generic message
and the request id; the log gets the full error with the same id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError

from graph.logging import get_logger

log = get_logger("graph.errors")
INTERNAL_MESSAGE = "Internal server error. Quote the request id when reporting it."


def is_unexpected(error: GraphQLError) -> bool:
    """Whether an error comes from an exception the API did not mean to raise."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def unexpected(error: Exception) -> GraphQLError:
    """An exception the API did not mean to raise, as an error `format_errors` masks."""
    return GraphQLError(str(error), original_error=error)


def format_errors(errors: Iterable[GraphQLError], request_id: str) -> list[dict[str, Any]]:
    """The `errors` entry of a response, with unexpected errors masked and logged."""
    formatted: list[dict[str, Any]] = []
    for error in errors:
        if not is_unexpected(error):
            formatted.append(dict(error.formatted))
            continue
        log.error(
            "unhandled_error",
            request_id=request_id,
            path=error.path,
            error=repr(error.original_error),
            exc_info=error.original_error,
        )
        masked: dict[str, Any] = {
            "message": INTERNAL_MESSAGE,
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        }
        if error.path is not None:
            masked["path"] = error.path
        formatted.append(masked)
    return formatted
