"""The `/graphql` WebSocket endpoint: one `SocketConnection` per socket, one dispatcher in all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.types import Receive, Scope, Send

from graph.state import AppState
from graph.subscriptions.dispatcher import Dispatcher
from graph.subscriptions.reader import feed_reader
from graph.websocket.connection import SocketConnection
from graph.websocket.outlet import DirectOutlet, QueuedOutlet
from graph.websocket.protocol import OFFER_EXTENSION

if TYPE_CHECKING:
    from graph.http import GraphQLHTTP

logger = logging.getLogger("graph.websocket")


class TransportWS:
    """ASGI app for WebSockets on `/graphql` (graphql-transport-ws)."""

    def __init__(self, state: AppState, endpoint: GraphQLHTTP) -> None:
        self.state = state
        self.broker = state.broker
        # The HTTP endpoint's prepared-document cache, limits and rate limiter.
        self.endpoint = endpoint
        self.dispatcher = Dispatcher(state.broker)
        self._tasks: set[asyncio.Future[Any]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        extension = (scope.get("extensions") or {}).get(OFFER_EXTENSION)
        outlet = DirectOutlet(send, extension) if extension else QueuedOutlet(send)
        connection = SocketConnection(self, receive, outlet)
        # The connection keeps what it needs: the handshake headers are not held for hours.
        subprotocols = list(scope.get("subprotocols") or ())
        scope["headers"] = []
        try:
            await connection.serve(subprotocols)
        except Exception:  # a bug: logged; the socket is closed, never left hanging
            logger.exception("WebSocket connection %s failed", connection.request_id)
            with suppress(Exception):  # the socket may be gone already
                await connection.close(1011, "Internal error")

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a short send (an error, a close) without waiting for it here."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("WebSocket send failed: %s", task.exception())

    def check_token(self, connection: SocketConnection) -> None:
        """Re-check the connection's token (batched with every other socket checking now)."""
        context = connection.context
        if context is None:
            return
        checked = feed_reader(self.state.database).tokens.load(context.viewer.token_id)
        checked.add_done_callback(lambda done: self._checked(connection, done))

    def _checked(self, connection: SocketConnection, done: asyncio.Future[bool]) -> None:
        if done.cancelled():
            return
        error = done.exception()
        if error is not None:
            # An unreachable database is not a revocation: the next wake-up checks again.
            level = (
                logging.WARNING if isinstance(error, SQLAlchemyError | OSError) else logging.ERROR
            )
            logger.log(level, "token not re-checked, trying at the next wake-up: %s", error)
        elif done.result() is False:
            connection.revoked()

    async def close(self) -> None:
        """Cancel the dispatcher's work and pending sends (at shutdown)."""
        await self.dispatcher.close()
        for task in list(self._tasks):
            task.cancel()
