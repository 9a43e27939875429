"""The GraphQL-over-HTTP endpoint: POST and GET, bearer auth, JSON in and out."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types.graphql import OperationType

from graph.auth import viewer_for
from graph.context import Context
from graph.ide import ide_response, wants_ide
from graph.state import AppState

logger = logging.getLogger("graph.http")

JSON = "application/json"


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type=JSON, headers=headers)


def _error(message: str, code: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return _json({"errors": [{"message": message, "extensions": {"code": code}}]}, status, headers)


async def _params(request: Request) -> dict[str, Any] | Response:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        if "variables" in params:
            try:
                params["variables"] = orjson.loads(params["variables"])
            except orjson.JSONDecodeError:
                return _error("`variables` is not valid JSON.", "BAD_REQUEST", 400)
        return params
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return _error("The request body is not valid JSON.", "BAD_REQUEST", 400)
    if not isinstance(body, dict):
        return _error("The request body must be a JSON object.", "BAD_REQUEST", 400)
    return body


async def graphql_endpoint(request: Request) -> Response:
    """Execute one GraphQL operation for an authenticated viewer."""
    state: AppState = request.app.state.graph
    if state.graphiql and wants_ide(request):
        return ide_response(request)
    params = await _params(request)
    if isinstance(params, Response):
        return params
    query = params.get("query")
    if not isinstance(query, str) or not query.strip():
        return _error("A `query` string is required.", "BAD_REQUEST", 400)
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return _error("`variables` must be an object.", "BAD_REQUEST", 400)
    operation_name = params.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        return _error("`operationName` must be a string.", "BAD_REQUEST", 400)

    viewer = await viewer_for(state.database, request.headers.get("authorization"))
    if viewer is None:
        return _error(
            "Authentication required: send `Authorization: Bearer <token>`.",
            "UNAUTHENTICATED",
            401,
            {"WWW-Authenticate": 'Bearer realm="graphql"'},
        )
    context = Context(
        database=state.database,
        settings=state.settings,
        broker=state.broker,
        viewer=viewer,
        request=request,
    )
    allowed = (OperationType.QUERY,) if request.method == "GET" else None
    result = await state.schema.execute(
        query,
        variable_values=variables,
        context_value=context,
        operation_name=operation_name,
        allowed_operation_types=allowed,
    )
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [_format(error) for error in result.errors]
    payload["data"] = result.data
    if result.extensions:
        payload["extensions"] = result.extensions
    return _json(payload)


def _format(error: GraphQLError) -> dict[str, Any]:
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        logger.error("unexpected error", exc_info=error.original_error)
    return error.formatted  # type: ignore[return-value]
