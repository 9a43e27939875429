"""GraphQL over WebSocket: the `graphql-transport-ws` protocol only, with bearer auth.

The legacy `graphql-ws` protocol is not offered (it has had authentication-bypass
advisories). The client authenticates in `connection_init`'s payload
(`{"authorization": "Bearer <token>"}`); a missing or bad token closes the socket
with 4403, and so does revoking the token (or deactivating its user) later, while the
socket is open. Each connection may run at most `MAX_SUBSCRIPTIONS` operations at once.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types.unset import UNSET, UnsetType

from db.engine import Database
from graph.auth import viewer_for
from graph.context import Context
from graph.cost import check_cost
from graph.limits import check_variable_lists
from graph.publish import token_channel
from graph.state import AppState
from graph.subscriptions.reader import feed_reader

logger = logging.getLogger("graph.websocket")

WS_PER_MESSAGE_DEFLATE = False
"""uvicorn's setting for this endpoint (`db.cli serve` passes it). Messages are small
JSON; permessage-deflate cost each idle socket about 40 KB of zlib state and every
frame a compression pass, for little saving."""

MAX_SUBSCRIPTIONS = 20
"""Operations one connection may run at once; one more gets a TOO_MANY_SUBSCRIPTIONS error."""

REVOKED = (4403, "Token revoked or user deactivated")
"""How an open socket is closed once its token no longer authenticates."""


@dataclass(slots=True)
class Connection:
    """One WebSocket before and after `connection_init`: the context exists once authenticated."""

    websocket: WebSocket
    connection_params: dict[str, Any] = field(default_factory=dict)
    context: Context | None = None


class TransportWSHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """Strawberry's handler, running operations with the authenticated viewer's context."""

    _token_watch: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if isinstance(self.context, Connection) and self.context.context is not None:
            self.context = self.context.context
            self._token_watch = asyncio.create_task(
                self._close_when_revoked(self.context), name="websocket-token-watch"
            )

    async def shutdown(self) -> None:
        if self._token_watch is not None:
            self._token_watch.cancel()
            with suppress(asyncio.CancelledError):
                await self._token_watch
        await super().shutdown()

    async def _close_when_revoked(self, context: Context) -> None:
        """Close the socket with 4403 once its token is revoked or its user deactivated.

        Follows the token's channel (`db.cli token-revoke` publishes on it through Redis)
        and is also woken by the broker's safety poll, so a revocation nobody announced
        here (the in-process broker, a Redis outage, a deactivation) is noticed within
        `SAFETY_POLL_SECONDS`. The channel is followed before the first check, so a
        revocation at any moment is either seen by that check or wakes a later one.
        """
        token_id = context.viewer.token_id
        try:
            async with context.broker.subscribe(token_channel(token_id)) as wakeup:
                while await _still_live(context.database, token_id):
                    await wakeup.wait()
            # Stop the operations first, so none sends on the socket once it is closed.
            for operation_id in list(self.operations):
                await self.cleanup_operation(operation_id)
            code, reason = REVOKED
            with suppress(WebSocketDisconnect):  # the client left meanwhile
                await self.websocket.close(code=code, reason=reason)
        except Exception as error:  # logged the way strawberry logs its own tasks
            await self.handle_task_exception(error)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        refusal = await self._refusal(message) if self.connection_acknowledged else []
        if refusal:
            payload = [error.formatted for error in refusal]
            await self.send_message({"id": message["id"], "type": "error", "payload": payload})
            return
        over_cap = len(self.operations) >= MAX_SUBSCRIPTIONS
        if self.connection_acknowledged and message["id"] not in self.operations and over_cap:
            error = GraphQLError(
                f"At most {MAX_SUBSCRIPTIONS} subscriptions may run on one connection.",
                extensions={"code": "TOO_MANY_SUBSCRIPTIONS"},
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def _refusal(self, message: SubscribeMessage) -> list[GraphQLError]:
        """The limits HTTP applies, before the operation runs: depth, aliases, tokens,
        list sizes, cost, and the viewer's rate limit (one subscribe costs its query)."""
        endpoint = getattr(self.view, "endpoint", None)
        payload = message.get("payload") or {}
        query = payload.get("query")
        if endpoint is None or not isinstance(query, str):
            return []
        prepared = endpoint.documents.get(query)
        if prepared.document is None:
            return list(prepared.errors)
        operation = prepared.operation(payload.get("operationName"))
        if isinstance(operation, GraphQLError):
            return [operation]
        if prepared.errors:
            return list(prepared.errors)
        variables = payload.get("variables") or {}
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
        context = self.context
        if endpoint.limiter is not None and isinstance(context, Context):
            throttle = await endpoint.limiter.take(str(context.viewer.token_id), requested)
            if not throttle.allowed:
                return [
                    GraphQLError(
                        "Throttled: this subscription's cost is over the available rate.",
                        extensions={
                            "code": "THROTTLED",
                            "retryAfter": throttle.retry_after(requested),
                        },
                    )
                ]
        return []


async def _still_live(database: Database, token_id: int) -> bool:
    """Whether the token still authenticates; an unreachable database is not a revocation."""
    try:
        return await feed_reader(database).tokens.load(token_id)
    except (SQLAlchemyError, OSError) as error:
        logger.warning("token %d not re-checked, trying at the next wake-up: %s", token_id, error)
        return True


class GraphQLWebSocket(GraphQL[Any, None]):
    """The `/graphql` WebSocket endpoint (HTTP is served by `graph.http`)."""

    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, state: AppState, endpoint: Any = None) -> None:
        super().__init__(
            state.schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=None,  # enforced by TransportWSHandler
        )
        self.state = state
        # The HTTP endpoint's prepared-document cache, limits and rate limiter.
        self.endpoint = endpoint

    def encode_json(self, data: object) -> str:
        """Messages as JSON text frames, encoded with orjson (sent to thousands per change)."""
        return orjson.dumps(data).decode()

    async def get_context(self, request: Any, response: Any) -> Connection:
        return Connection(websocket=request)

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        assert isinstance(context, Connection)
        header = context.connection_params.get("authorization")
        viewer = await viewer_for(self.state.database, header if isinstance(header, str) else None)
        if viewer is None:
            raise ConnectionRejectionError
        context.context = Context(
            database=self.state.database,
            settings=self.state.settings,
            broker=self.state.broker,
            viewer=viewer,
            request=context.websocket,
        )
        return UNSET
