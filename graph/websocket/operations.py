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
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.values import get_argument_values
from sqlalchemy.exc import SQLAlchemyError

from graph.cost import check_cost
from graph.http import request_errors
from graph.limits import check_variable_lists
from graph.masking import unexpected
from graph.subscriptions.dispatcher import Follower
from graph.subscriptions.feeds import FEEDS
from graph.subscriptions.plans import PlannedExecutor, root_field
from graph.subscriptions.render import build_executor, renderer_for
from graph.transport import HTTPProblem, params_of

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
        await connection.end_operation(op_id, [unexpected(error)])


async def _admit(
    connection: SocketConnection, payload: dict[str, Any]
) -> tuple[DocumentNode, OperationDefinitionNode] | list[GraphQLError]:
    endpoint = connection.service.endpoint
    try:
        params = params_of(payload)  # the checks a GraphQL-over-HTTP body gets
    except HTTPProblem as problem:
        return [GraphQLError(problem.message, extensions={"code": problem.code})]
    prepared = endpoint.documents.get(params.query)
    if prepared.document is None:
        return list(prepared.errors)
    operation = prepared.operation(params.operation_name)
    if isinstance(operation, GraphQLError):
        return [operation]
    if prepared.errors:
        return list(prepared.errors)
    variables = params.variables or {}
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
    renderer = renderer_for(executor, document, variables, operation_name)
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
    result = await connection.service.endpoint.execute(
        document,
        _context(connection),
        payload.get("variables"),
        payload.get("operationName") or None,
    )
    if result is None:
        timeout = GraphQLError(
            "The operation took too long and was stopped.", extensions={"code": "TIMEOUT"}
        )
        await connection.end_operation(op_id, [timeout])
        return
    if request_errors(result):
        await connection.end_operation(op_id, list(result.errors or ()))  # variable coercion
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
