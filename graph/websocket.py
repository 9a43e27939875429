"""GraphQL over WebSocket: the `graphql-transport-ws` protocol only, with bearer auth.

The legacy `graphql-ws` protocol is not offered (it has had authentication-bypass
advisories). The client authenticates in `connection_init`'s payload
(`{"authorization": "Bearer <token>"}`); a missing or bad token closes the socket
with 4403. Each connection may run at most `MAX_SUBSCRIPTIONS` operations at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types.unset import UNSET, UnsetType

from graph.auth import viewer_for
from graph.context import Context
from graph.state import AppState

MAX_SUBSCRIPTIONS = 20
"""Operations one connection may run at once; one more gets a TOO_MANY_SUBSCRIPTIONS error."""


@dataclass(slots=True)
class Connection:
    """One WebSocket before and after `connection_init`: the context exists once authenticated."""

    websocket: WebSocket
    connection_params: dict[str, Any] = field(default_factory=dict)
    context: Context | None = None


class TransportWSHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """Strawberry's handler, running operations with the authenticated viewer's context."""

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if isinstance(self.context, Connection) and self.context.context is not None:
            self.context = self.context.context

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
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


class GraphQLWebSocket(GraphQL[Any, None]):
    """The `/graphql` WebSocket endpoint (HTTP is served by `graph.http`)."""

    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, state: AppState) -> None:
        super().__init__(
            state.schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=None,  # enforced by TransportWSHandler
        )
        self.state = state

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
