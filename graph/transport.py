"""GraphQL over HTTP, the transport half: media types, request parameters, responses.

Follows the GraphQL-over-HTTP spec: POST bodies are `application/json` (415
otherwise), GET carries the parameters in the URL, responses use
`application/graphql-response+json` when the client accepts it and
`application/json` otherwise (406 when it accepts neither).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

if TYPE_CHECKING:
    from graph.persisted import PersistedQueries

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class HTTPProblem(Exception):  # noqa: N818  (a response, not a bug)
    """A request refused at the HTTP level, before GraphQL sees it."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """The parameters of one GraphQL-over-HTTP request."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when nothing acceptable."""
    if not accept or not accept.strip():
        return JSON
    candidates: list[tuple[float, int, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        quality = _quality(params)
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            candidates.append((quality, 1, -position, GRAPHQL_RESPONSE))
        elif media in (JSON, "application/*", "*/*"):
            candidates.append((quality, 0, -position, JSON))
    # Highest quality wins; on a tie the explicit graphql-response type, then order.
    return max(candidates)[3] if candidates else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


async def read_params(
    request: Request, max_body_bytes: int, persisted: PersistedQueries | None = None
) -> GraphQLParams:
    """The request's GraphQL parameters; raises HTTPProblem for anything malformed.

    With `persisted`, a hash-only request gets its query from the store (graph/persisted.py).
    """
    if request.method == "GET":
        raw: Any = dict(request.query_params)
        for name in ("variables", "extensions"):
            if isinstance(raw.get(name), str):
                raw[name] = _loads(raw[name], f"`{name}` is not valid JSON.")
    else:
        _check_content_type(request.headers.get("content-type"))
        raw = _loads(await _body(request, max_body_bytes), "The request body is not valid JSON.")
    if not isinstance(raw, dict):
        raise HTTPProblem(400, "BAD_REQUEST", "The request body must be a JSON object.")
    if persisted is not None:
        raw = persisted.expand(raw)
    return params_of(raw)


def _check_content_type(header: str | None) -> None:
    media, _, params = (header or "").partition(";")
    charset = "utf-8"
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if media.strip().lower() != JSON or charset not in ("utf-8", "utf8"):
        raise HTTPProblem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the request as `Content-Type: application/json` (UTF-8).",
        )


async def _body(request: Request, max_body_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body_bytes:
        raise _too_large(max_body_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body_bytes:
                raise _too_large(max_body_bytes)
            chunks.append(chunk)
    except ClientDisconnect:
        raise HTTPProblem(400, "BAD_REQUEST", "The client went away.") from None
    return b"".join(chunks)


def _too_large(max_body_bytes: int) -> HTTPProblem:
    return HTTPProblem(
        413, "PAYLOAD_TOO_LARGE", f"The request body is larger than {max_body_bytes} bytes."
    )


def _loads(text: str | bytes, message: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        raise HTTPProblem(400, "BAD_REQUEST", message) from None


def params_of(raw: dict[str, Any]) -> GraphQLParams:
    """The parameters of a decoded request object; raises HTTPProblem (400) when malformed."""
    query = raw.get("query")
    if not isinstance(query, str):
        raise HTTPProblem(400, "BAD_REQUEST", "A `query` string is required.")
    variables = raw.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPProblem(400, "BAD_REQUEST", "`variables` must be an object.")
    operation_name = raw.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPProblem(400, "BAD_REQUEST", "`operationName` must be a string.")
    extensions = raw.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise HTTPProblem(400, "BAD_REQUEST", "`extensions` must be an object.")
    return GraphQLParams(query, variables, operation_name or None, extensions)


def respond(
    payload: dict[str, Any],
    *,
    status: int = 200,
    media_type: str = JSON,
    headers: dict[str, str] | None = None,
) -> Response:
    """A GraphQL response body in the negotiated media type, UTF-8."""
    return Response(
        orjson.dumps(payload),
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
        headers=headers,
    )


def problem_response(problem: HTTPProblem, media_type: str = JSON) -> Response:
    """The response for an HTTP-level refusal."""
    body = {"errors": [{"message": problem.message, "extensions": {"code": problem.code}}]}
    return respond(body, status=problem.status, media_type=media_type, headers=problem.headers)
