"""The GraphQL-over-HTTP endpoint: auth, limits, cost, rate limit, execution, errors.

Order of checks, cheapest first: media types and body (406/413/415/400), bearer
token (401), the cached document (parse, validation, depth/alias/token limits),
the operation (405 for a mutation over GET), list sizes and cost (refused before
anything executes), the token's rate limit (429), then execution.
"""

from __future__ import annotations

import asyncio
from inspect import isawaitable
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, OperationType, execute
from starlette.requests import Request
from starlette.responses import Response
from strawberry.execution import optimized_is_awaitable

from graph.auth import viewer_for
from graph.context import Context, Viewer
from graph.cost import check_cost
from graph.documents import DocumentCache
from graph.ide import ide_response, wants_ide
from graph.limits import Limits, check_variable_lists
from graph.masking import format_errors
from graph.middleware import log_fields, request_id_of
from graph.persisted import PersistedQueries
from graph.ratelimit import RateLimiter, ThrottleStatus, rate_limiter_for
from graph.state import AppState
from graph.transport import (
    GRAPHQL_RESPONSE,
    GraphQLParams,
    HTTPProblem,
    negotiate,
    problem_response,
    read_params,
    respond,
)


class GraphQLHTTP:
    """The /graphql endpoint of one app, with its document cache and rate limiter."""

    def __init__(self, state: AppState, limiter: RateLimiter | None = None) -> None:
        settings = state.settings
        self.state = state
        self.limits = Limits.from_settings(settings)
        self.hide_suggestions = not settings.introspection_enabled
        self.documents = DocumentCache(
            state.schema._schema,
            self.limits,
            introspection=settings.introspection_enabled,
            hide_suggestions=self.hide_suggestions,
            size=settings.document_cache_size,
        )
        self.limiter = limiter if limiter is not None else rate_limiter_for(settings)
        self.persisted = PersistedQueries()

    async def close(self) -> None:
        """Release the rate limiter's connections."""
        if self.limiter is not None:
            await self.limiter.close()

    async def handle(self, request: Request) -> Response:
        """Serve one GraphQL-over-HTTP request (or the IDE page to a browser)."""
        if self.state.graphiql and wants_ide(request):
            return ide_response(request)
        media = negotiate(request.headers.get("accept"))
        if media is None:
            return problem_response(
                HTTPProblem(
                    406,
                    "NOT_ACCEPTABLE",
                    f"Accept `{GRAPHQL_RESPONSE}` or `application/json`.",
                )
            )
        try:
            params = await read_params(request, self.state.settings.max_body_bytes, self.persisted)
        except HTTPProblem as problem:
            return problem_response(problem, media)
        log_fields(request)["operation"] = params.operation_name
        viewer = await viewer_for(self.state.database, request.headers.get("authorization"))
        if viewer is None:
            return problem_response(
                HTTPProblem(
                    401,
                    "UNAUTHENTICATED",
                    "Authentication required: send `Authorization: Bearer <token>`.",
                    {"WWW-Authenticate": 'Bearer realm="graphql"'},
                ),
                media,
            )
        return await self._run(request, params, viewer, media)

    async def _run(
        self, request: Request, params: GraphQLParams, viewer: Viewer, media: str
    ) -> Response:
        prepared = self.documents.get(params.query)
        if prepared.document is None:
            return self._refuse(prepared.errors, media)
        operation = prepared.operation(params.operation_name)
        if isinstance(operation, GraphQLError):
            return self._refuse([operation, *prepared.errors], media)
        if request.method == "GET" and operation.operation != OperationType.QUERY:
            return problem_response(
                HTTPProblem(
                    405,
                    "METHOD_NOT_ALLOWED",
                    "Only queries may be sent with GET; send mutations with POST.",
                    {"Allow": "POST"},
                ),
                media,
            )
        if prepared.errors:
            return self._refuse(prepared.errors, media)
        if operation.operation == OperationType.SUBSCRIPTION:
            message = "Subscriptions are served over WebSocket (graphql-transport-ws)."
            return self._refuse([GraphQLError(message, extensions={"code": "BAD_REQUEST"})], media)
        name = operation.name.value if operation.name else None
        variables = params.variables or {}
        plan = prepared.plans[name]
        try:
            requested = plan.requested(variables)
        except GraphQLError as error:
            return self._refuse([error], media)
        cost: dict[str, Any] = {"requestedQueryCost": requested, "actualQueryCost": None}
        log_fields(request)["cost"] = requested
        refused = check_variable_lists(variables, self.limits.max_list_input) or check_cost(
            requested, self.limits.max_cost
        )
        if refused is not None:
            return self._refuse([refused], media, cost)
        bucket = str(viewer.token_id)
        throttle: ThrottleStatus | None = None
        if self.limiter is not None:
            throttle = await self.limiter.take(bucket, requested)
            cost["throttleStatus"] = throttle.as_extension()
            if not throttle.allowed:
                return self._throttled(throttle, requested, media, cost)

        state = self.state
        context = Context(
            database=state.database,
            settings=state.settings,
            broker=state.broker,
            viewer=viewer,
            request=request,
        )
        assert prepared.document is not None
        result = await self.execute(
            prepared.document, context, params.variables, params.operation_name, params.extensions
        )
        if result is None:
            return problem_response(
                HTTPProblem(503, "TIMEOUT", "The query took too long and was stopped."), media
            )
        if request_errors(result):
            return self._refuse(list(result.errors or ()), media, cost)  # variable coercion
        actual = plan.actual(result.data)
        cost["actualQueryCost"] = actual
        log_fields(request)["actual_cost"] = actual
        if self.limiter is not None and requested > actual:
            throttle = await self.limiter.refund(bucket, requested - actual)
            cost["throttleStatus"] = throttle.as_extension()
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = format_errors(result.errors, request_id_of(request))
        payload["data"] = result.data
        payload["extensions"] = {"cost": cost}
        return respond(payload, media_type=media)

    async def execute(
        self,
        document: DocumentNode,
        context: Context,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult | None:
        """Run a query or mutation (over HTTP or a WebSocket); None when it timed out."""
        state = self.state
        try:
            async with asyncio.timeout(state.settings.execution_timeout_seconds):
                result = execute(
                    state.schema._schema,
                    document,
                    context_value=context,
                    variable_values=variables,
                    operation_name=operation_name,
                    executor_class=state.schema.execution_context_class,
                    is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                    hide_suggestions=self.hide_suggestions,
                    operation_extensions=extensions,
                )
                if isawaitable(result):
                    result = await result
        except TimeoutError:
            return None
        assert isinstance(result, ExecutionResult)
        return result

    def _refuse(
        self, errors: list[GraphQLError], media: str, cost: dict[str, Any] | None = None
    ) -> Response:
        """A request error: no `data`; 400 under graphql-response+json, 200 under json."""
        payload: dict[str, Any] = {"errors": [error.formatted for error in errors]}
        if cost is not None:
            payload["extensions"] = {"cost": cost}
        return respond(payload, status=400 if media == GRAPHQL_RESPONSE else 200, media_type=media)

    def _throttled(
        self, throttle: ThrottleStatus, requested: int, media: str, cost: dict[str, Any]
    ) -> Response:
        retry_after = throttle.retry_after(requested)
        error = {
            "message": f"Throttled: this query costs {requested} points and "
            f"{int(throttle.available)} are available; retry in {retry_after} s.",
            "extensions": {"code": "THROTTLED", "retryAfter": retry_after},
        }
        return respond(
            {"errors": [error], "extensions": {"cost": cost}},
            status=429,
            media_type=media,
            headers={"Retry-After": str(retry_after)},
        )


def request_errors(result: ExecutionResult) -> bool:
    """Whether a result is a request error (no data, no error with a path: the variables
    did not coerce) rather than a partial response."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )
