"""One `subscribe` message: admitted under the HTTP limits, then followed or executed.

The same checks as over HTTP run first, cheapest first: the cached document (parse,
validation, depth, aliases, tokens), the operation, list sizes, cost and the viewer's
rate limit (one subscribe costs its query). A subscription then opens its feed
(`graph.subscriptions.feeds`) and is handed to the dispatcher, and this task ends; a
query or mutation sent over the socket runs once and answers `next` and `complete`.
"""

from __future__ import annotations

import asyncio
import logging
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
)
from graphql.execution.values import get_argument_values
from sqlalchemy.exc import SQLAlchemyError
from strawberry.execution import optimized_is_awaitable

from graph.cost import check_cost
from graph.limits import check_variable_lists
from graph.subscriptions.dispatcher import Follower
from graph.subscriptions.feeds import FEEDS
from graph.subscriptions.plans import PlannedExecutor, root_field
from graph.subscriptions.render import EventRenderer, build_executor

if TYPE_CHECKING:
    from graph.context import Context
    from graph.websocket.connection import SocketConnection

logger = logging.getLogger("graph.websocket")


async def run_operation(connection: SocketConnection, op_id: str, payload: dict[str, Any]) -> None:
    """Start (a subscription) or run (a query or mutation) one operation of the socket."""
    try:
        admitted = await _admit(connection, payload)
        if isinstance(admitted, list):
            await connection.end_operation(op_id, admitted)
            return
        document, operation = admitted
        if operation.operation is OperationType.SUBSCRIPTION:
            await _follow(connection, op_id, document, payload)
        else:
            await _execute(connection, op_id, document, payload)
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a bug or an outage: logged, masked for the client
        wrapped = GraphQLError(str(error), original_error=error)
        await connection.end_operation(op_id, [wrapped])


async def _admit(
    connection: SocketConnection, payload: dict[str, Any]
) -> tuple[DocumentNode, OperationDefinitionNode] | list[GraphQLError]:
    endpoint = connection.service.endpoint
    query, variables = payload.get("query"), payload.get("variables")
    operation_name = payload.get("operationName")
    if not isinstance(query, str):
        return [_bad_request("A `query` string is required.")]
    if variables is not None and not isinstance(variables, dict):
        return [_bad_request("`variables` must be an object.")]
    if operation_name is not None and not isinstance(operation_name, str):
        return [_bad_request("`operationName` must be a string.")]
    prepared = endpoint.documents.get(query)
    if prepared.document is None:
        return list(prepared.errors)
    operation = prepared.operation(operation_name or None)
    if isinstance(operation, GraphQLError):
        return [operation]
    if prepared.errors:
        return list(prepared.errors)
    variables = variables or {}
    try:
        requested = prepared.plans[operation.name.value if operation.name else None].requested(
            variables
        )
    except GraphQLError as error:
        return [error]
    refused = check_variable_lists(variables, endpoint.limits.max_list_input) or check_cost(
        requested, endpoint.limits.max_cost
    )
    if refused is not None:
        return [refused]
    context = _context(connection)
    if endpoint.limiter is not None:
        throttle = await endpoint.limiter.take(str(context.viewer.token_id), requested)
        if not throttle.allowed:
            return [
                GraphQLError(
                    "Throttled: this subscription's cost is over the available rate.",
                    extensions={"code": "THROTTLED", "retryAfter": throttle.retry_after(requested)},
                )
            ]
    return prepared.document, operation


async def _follow(
    connection: SocketConnection, op_id: str, document: DocumentNode, payload: dict[str, Any]
) -> None:
    service = connection.service
    context = _context(connection)
    variables, operation_name = payload.get("variables"), payload.get("operationName") or None
    executor = build_executor(
        service.state.schema._schema,
        document,
        context,
        variables,
        operation_name,
        hide_suggestions=service.endpoint.hide_suggestions,
    )
    if isinstance(executor, list):  # the variables did not coerce
        await connection.end_operation(op_id, executor)
        return
    try:
        field, arguments = _root_field(executor)
        opener = FEEDS[field]
        feed = await opener(context, arguments)
    except GraphQLError as error:
        await connection.end_operation(op_id, [error])
        return
    renderer = EventRenderer.for_executor(executor, document, variables, operation_name)
    follower = Follower(
        service.dispatcher, connection, op_id, feed, renderer, service.broker.local.next_slot()
    )
    if connection.operations.get(op_id) is not asyncio.current_task():
        return  # completed while it was being set up
    connection.operations[op_id] = follower
    try:
        await service.dispatcher.start(follower)
    except (SQLAlchemyError, OSError) as error:
        logger.warning("subscription %s not started, database unavailable: %s", op_id, error)
        if connection.operations.get(op_id) is follower:
            unavailable = GraphQLError(
                "The server cannot start this subscription right now; subscribe again later.",
                extensions={"code": "SERVICE_UNAVAILABLE"},
            )
            await connection.end_operation(op_id, [unavailable])


def _root_field(executor: PlannedExecutor) -> tuple[str, dict[str, Any]]:
    """The subscription's root field (validation allows exactly one) and its arguments."""
    root_type, _, group = root_field(executor)
    node = group[0].node
    field_def = executor.schema.get_field(root_type, node.name.value)
    assert field_def is not None
    arguments = get_argument_values(
        field_def, node, executor.variable_values, None, executor.hide_suggestions
    )
    return node.name.value, arguments


async def _execute(
    connection: SocketConnection, op_id: str, document: DocumentNode, payload: dict[str, Any]
) -> None:
    service = connection.service
    state = service.state
    try:
        async with asyncio.timeout(state.settings.execution_timeout_seconds):
            result = execute(
                state.schema._schema,
                document,
                context_value=_context(connection),
                variable_values=payload.get("variables"),
                operation_name=payload.get("operationName") or None,
                executor_class=state.schema.execution_context_class,
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                hide_suggestions=service.endpoint.hide_suggestions,
            )
            if isawaitable(result):
                result = await result
    except TimeoutError:
        timeout = GraphQLError(
            "The operation took too long and was stopped.", extensions={"code": "TIMEOUT"}
        )
        await connection.end_operation(op_id, [timeout])
        return
    assert isinstance(result, ExecutionResult)
    if result.data is None and result.errors and all(e.path is None for e in result.errors):
        await connection.end_operation(op_id, list(result.errors))  # variable coercion
        return
    if connection.operations.get(op_id) is not asyncio.current_task():
        return  # completed meanwhile: nothing more is sent for it
    await connection.send_message(
        {"id": op_id, "type": "next", "payload": connection.next_payload(result)}
    )
    await connection.end_operation(op_id)


def _context(connection: SocketConnection) -> Context:
    assert connection.context is not None
    return connection.context


def _bad_request(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_REQUEST"})
