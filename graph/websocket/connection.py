"""One `graphql-transport-ws` socket: the protocol's state machine and its operations.

Only `graphql-transport-ws` is spoken (the legacy `graphql-ws` protocol has had
authentication-bypass advisories): any other subprotocol is closed with 4406. The
client authenticates in `connection_init`'s payload (`{"authorization": "Bearer …"}`);
a missing or bad token closes the socket with 4403, and so does revoking the token (or
deactivating its user) while the socket is open. Close codes and reasons follow the
protocol (and strawberry's handler, which this replaces): 4400 for a malformed message,
4401 for `subscribe` before the acknowledgement, 4408 when `connection_init` does not
come within `INIT_TIMEOUT_SECONDS`, 4409 for a duplicate operation id, 4429 for a
second `connection_init`.

A socket holds one task (uvicorn's, running `serve`) and no task per subscription: a
subscription is a `Follower` that the process's dispatcher delivers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

import orjson
from graphql import ExecutionResult, GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import Receive

from graph.auth import viewer_for
from graph.context import Context
from graph.masking import format_errors, unexpected
from graph.publish import token_channel
from graph.subscriptions.dispatcher import Follower
from graph.websocket.operations import run_operation
from graph.websocket.outlet import DirectOutlet, QueuedOutlet

if TYPE_CHECKING:
    from graph.websocket.service import TransportWS

logger = logging.getLogger("graph.websocket")

GRAPHQL_TRANSPORT_WS = "graphql-transport-ws"
INIT_TIMEOUT_SECONDS = 10.0
MAX_SUBSCRIPTIONS = 20
"""Operations one connection may run at once; one more gets a TOO_MANY_SUBSCRIPTIONS error."""

REVOKED = (4403, "Token revoked or user deactivated")
"""How an open socket is closed once its token no longer authenticates."""
UNAVAILABLE = (1011, "The server cannot authenticate right now; reconnect later")


class SocketConnection:
    """One socket after the WebSocket handshake: its viewer, operations and outlet."""

    __slots__ = (
        "acknowledged",
        "closed",
        "context",
        "init_received",
        "operations",
        "outlet",
        "receive",
        "request_id",
        "service",
        "slot",
        "stalled_followers",
    )

    def __init__(self, service: TransportWS, receive: Receive, outlet: DirectOutlet | QueuedOutlet):
        self.service = service
        self.receive = receive
        self.outlet = outlet
        self.context: Context | None = None
        self.operations: dict[str, Follower | asyncio.Future[None]] = {}
        self.init_received = False
        self.acknowledged = False
        self.closed = False
        self.request_id = uuid.uuid4().hex  # quoted in masked errors and in the log
        self.slot = service.broker.local.next_slot()
        self.stalled_followers: list[Follower] | None = None

    # --- the receive loop ------------------------------------------------------------

    async def serve(self, subprotocols: list[str]) -> None:
        """Run the socket from the handshake until it closes."""
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        if GRAPHQL_TRANSPORT_WS not in subprotocols:
            if await self._send({"type": "websocket.accept"}):
                await self.close(4406, "Subprotocol not acceptable")
            return
        if not await self._send({"type": "websocket.accept", "subprotocol": GRAPHQL_TRANSPORT_WS}):
            return
        try:
            await self._receive_messages()
        finally:
            self._end()

    async def _receive_messages(self) -> None:
        deadline = asyncio.get_running_loop().time() + INIT_TIMEOUT_SECONDS
        while not self.closed:
            if self.init_received:
                message = await self.receive()
            else:
                try:
                    async with asyncio.timeout_at(deadline):
                        message = await self.receive()
                except TimeoutError:
                    await self.close(4408, "Connection initialisation timeout")
                    return
            if message["type"] == "websocket.disconnect":
                self.closed = True
                return
            text = message.get("text")
            if text is None:
                await self.close(4400, "WebSocket message type must be text")
                return
            try:
                parsed = orjson.loads(text)
            except orjson.JSONDecodeError:
                await self.close(4400, "WebSocket message must be valid JSON")
                return
            await self._handle(parsed)

    async def _handle(self, message: Any) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if not isinstance(kind, str):
            await self.close(4400, "Failed to parse message")
        elif kind == "connection_init":
            await self._init(message)
        elif kind == "ping":
            await self.send_message({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self._subscribe(message)
        elif kind == "complete":
            self._complete(message)
        else:
            await self.close(4400, f"Unknown message type: {kind}")

    async def _init(self, message: dict[str, Any]) -> None:
        payload = message.get("payload")
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            await self.close(4400, "Invalid connection init payload")
            return
        if self.init_received:
            await self.close(4429, "Too many initialisation requests")
            return
        self.init_received = True
        header = payload.get("authorization")
        state = self.service.state
        try:
            viewer = await viewer_for(state.database, header if isinstance(header, str) else None)
        except (SQLAlchemyError, OSError) as error:
            logger.warning("connection_init not authenticated, database unavailable: %s", error)
            await self.close(*UNAVAILABLE)
            return
        if viewer is None:
            await self.close(4403, "Forbidden")
            return
        self.context = Context(
            database=state.database, settings=state.settings, broker=state.broker, viewer=viewer
        )
        # Follow the token's channel, then check it once more: a revocation committed
        # since it was read above is either seen by that check or announced later.
        state.broker.local.attach(token_channel(viewer.token_id), self)
        self.service.check_token(self)
        await self.send_message({"type": "connection_ack"})
        self.acknowledged = True

    async def _subscribe(self, message: dict[str, Any]) -> None:
        if not self.acknowledged:
            await self.close(4401, "Unauthorized")
            return
        op_id, payload = message.get("id"), message.get("payload")
        if not isinstance(op_id, str) or not isinstance(payload, dict):
            await self.close(4400, "Invalid subscribe message: `id` and `payload` are required")
            return
        if op_id in self.operations:
            await self.close(4409, f"Subscriber for {op_id} already exists")
            return
        if len(self.operations) >= MAX_SUBSCRIPTIONS:
            error = GraphQLError(
                f"At most {MAX_SUBSCRIPTIONS} subscriptions may run on one connection.",
                extensions={"code": "TOO_MANY_SUBSCRIPTIONS"},
            )
            await self.send_message({"id": op_id, "type": "error", "payload": [error.formatted]})
            return
        self.operations[op_id] = asyncio.ensure_future(run_operation(self, op_id, payload))

    def _complete(self, message: dict[str, Any]) -> None:
        op_id = message.get("id")
        if isinstance(op_id, str):
            self._stop(self.operations.pop(op_id, None))

    def _stop(self, operation: Follower | asyncio.Future[None] | None) -> None:
        if isinstance(operation, Follower):
            self.service.dispatcher.stop(operation)
        elif operation is not None:
            operation.cancel()

    def _stop_all(self) -> None:
        for operation in list(self.operations.values()):
            self._stop(operation)
        self.operations.clear()

    def _end(self) -> None:
        self.closed = True
        self._stop_all()
        if self.context is not None:
            token_id = self.context.viewer.token_id
            self.service.broker.local.detach(token_channel(token_id), self)

    # --- sending -----------------------------------------------------------------------

    async def send_message(self, message: dict[str, Any]) -> None:
        """Send a protocol message (in order with the events offered before it)."""
        if not self.closed:
            await self._send({"type": "websocket.send", "text": orjson.dumps(message).decode()})

    async def end_operation(self, op_id: str, errors: list[GraphQLError] | None = None) -> None:
        """Forget the operation and tell the client: `error` with `errors`, else `complete`."""
        self.operations.pop(op_id, None)
        if errors:
            payload = format_errors(errors, self.request_id)
            await self.send_message({"id": op_id, "type": "error", "payload": payload})
        else:
            await self.send_message({"id": op_id, "type": "complete"})

    async def close(self, code: int, reason: str) -> None:
        """Close the socket (the receive loop then ends)."""
        if not self.closed:
            self.closed = True
            await self._send({"type": "websocket.close", "code": code, "reason": reason})

    async def _send(self, message: dict[str, Any]) -> bool:
        """Send an ASGI message; False when the client is already gone (the receive loop
        then ends with its disconnect)."""
        try:
            await self.outlet.send(message)
        except OSError:  # uvicorn's ClientDisconnected, or the socket's own error
            self.closed = True
            return False
        return True

    # --- what the dispatcher calls ---------------------------------------------------

    def next_payload(self, result: ExecutionResult) -> dict[str, Any]:
        """A `next` message's payload: the data, and the errors (unexpected ones masked)."""
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = format_errors(result.errors, self.request_id)
        return payload

    def offer_next(self, op_id: str, result: ExecutionResult) -> bool:
        """Write a `next` message now; False if the socket cannot take it now."""
        message = {"id": op_id, "type": "next", "payload": self.next_payload(result)}
        return self.outlet.offer(orjson.dumps(message))

    def stalled(self, follower: Follower) -> None:
        """Wake `follower` again once the socket has drained."""
        if self.stalled_followers is None:
            self.stalled_followers = []
            self.outlet.on_drain(self._drained)
        self.stalled_followers.append(follower)

    def _drained(self) -> None:
        followers, self.stalled_followers = self.stalled_followers or [], None
        for follower in followers:
            self.service.dispatcher.resume(follower)

    def failed(self, follower: Follower, error: Exception) -> None:
        """End an operation whose delivery failed unexpectedly (logged; the client sees a
        masked error with this connection's request id)."""
        if self.operations.get(follower.op_id) is follower:
            del self.operations[follower.op_id]
            self.service.spawn(self.end_operation(follower.op_id, [unexpected(error)]))

    # --- the token watch (the broker wakes this connection on its token's channel) ----

    def set(self) -> None:
        """Re-check the token (announced on its channel, or the safety poll's turn)."""
        if not self.closed:
            self.service.check_token(self)

    @property
    def pending(self) -> bool:
        return False

    def revoked(self) -> None:
        """The token no longer authenticates: stop every operation, close with 4403."""
        if self.closed:
            return
        self._stop_all()  # first, so that nothing is sent once the socket is closed
        self.service.spawn(self.close(*REVOKED))
