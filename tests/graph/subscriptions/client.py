"""A graphql-transport-ws client for the WebSocket app itself, in-process (no TCP).

It drives `graph.websocket.service.TransportWS` through ASGI exactly as uvicorn would,
minus the socket: the app's `send` is this client's inbox, and a client that stops
reading (`pause()`) makes `send` wait, as a full socket does. The app runs its real
code: handshake, protocol, limits, the dispatcher, the database and the broker.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

import orjson

from graph.websocket.service import TransportWS

PROTOCOL = "graphql-transport-ws"


class Live:
    """One operation's messages, as the client receives them."""

    def __init__(self, client: TransportClient, op_id: str) -> None:
        self.client = client
        self.op_id = op_id
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def message(self, seconds: float = 10) -> dict[str, Any]:
        """The operation's next message (`next`, `error` or `complete`)."""
        return await asyncio.wait_for(self.messages.get(), seconds)

    async def next(self) -> dict[str, Any]:
        """The next event's data; fails on errors, and after 10 s without an event."""
        message = await self.message()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]["errors"]
        return message["payload"]["data"]  # type: ignore[no-any-return]

    async def error(self) -> dict[str, Any]:
        """The first error the operation reports (an `error` message, or a `next`'s errors)."""
        message = await self.message()
        if message["type"] == "error":
            return message["payload"][0]  # type: ignore[no-any-return]
        assert message["type"] == "next", message
        assert message["payload"].get("errors"), message
        return message["payload"]["errors"][0]  # type: ignore[no-any-return]

    def received(self) -> int:
        """How many messages arrived and were not read yet."""
        return self.messages.qsize()

    async def stop(self) -> None:
        """Send `complete` for the operation."""
        await self.client.send({"id": self.op_id, "type": "complete"})


class TransportClient:
    """One socket to the app: send messages, read what comes back, close."""

    def __init__(self, app: TransportWS, subprotocols: tuple[str, ...] = (PROTOCOL,)) -> None:
        self.app = app
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.operations: dict[str, Live] = {}
        self.protocol_messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.accepted: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()
        self._reading = asyncio.Event()
        self._reading.set()
        self._gone = False
        scope = {
            "type": "websocket",
            "path": "/graphql",
            "headers": [],
            "subprotocols": list(subprotocols),
            "extensions": {},
        }
        self.task = asyncio.ensure_future(app(scope, self._receive, self._send))

    @classmethod
    async def connect(cls, app: TransportWS, token: str | None) -> TransportClient:
        """Open, send `connection_init` with the token, and wait for the acknowledgement."""
        client = await cls.open(app)
        payload = {"authorization": f"Bearer {token}"} if token is not None else {}
        await client.send({"type": "connection_init", "payload": payload})
        ack = await client.protocol_message()
        assert ack == {"type": "connection_ack"}, ack
        return client

    @classmethod
    async def open(cls, app: TransportWS, subprotocols: tuple[str, ...] = (PROTOCOL,)):
        """Only the WebSocket handshake."""
        client = cls(app, subprotocols)
        await client._to_app.put({"type": "websocket.connect"})
        await asyncio.wait_for(asyncio.shield(client.accepted), 10)
        return client

    async def _receive(self) -> dict[str, Any]:
        return await self._to_app.get()

    async def _send(self, message: dict[str, Any]) -> None:
        await self._reading.wait()
        if self._gone:  # what uvicorn raises once the client is gone
            raise OSError("client disconnected")
        kind = message["type"]
        if kind == "websocket.accept":
            self.accepted.set_result(message.get("subprotocol"))
        elif kind == "websocket.close":
            if not self.closed.done():
                self.closed.set_result((message.get("code", 1000), message.get("reason", "")))
            await self._to_app.put({"type": "websocket.disconnect", "code": message.get("code")})
        elif kind == "websocket.send":
            parsed = orjson.loads(message["text"])
            live = self.operations.get(parsed.get("id"))
            if live is not None:
                await live.messages.put(parsed)
            else:
                await self.protocol_messages.put(parsed)

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        """Send one message (a dict as JSON text; str and bytes as they are)."""
        if isinstance(message, bytes):
            await self._to_app.put({"type": "websocket.receive", "bytes": message})
            return
        text = message if isinstance(message, str) else orjson.dumps(message).decode()
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def subscribe(
        self, op_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> Live:
        """Start an operation; its messages go to the returned `Live`."""
        live = self.operations[op_id] = Live(self, op_id)
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})
        return live

    async def protocol_message(self, seconds: float = 10) -> dict[str, Any]:
        """The next message that belongs to no operation (ack, pong …)."""
        return await asyncio.wait_for(self.protocol_messages.get(), seconds)

    async def close_code(self, seconds: float = 10) -> tuple[int, str]:
        """How the server closed the socket."""
        return await asyncio.wait_for(asyncio.shield(self.closed), seconds)

    def pause(self) -> None:
        """Stop reading: the app's sends wait, as on a socket whose buffer is full."""
        self._reading.clear()

    def vanish(self) -> None:
        """The client is gone without a close: the app's sends fail from now on."""
        self._gone = True

    def resume(self) -> None:
        """Read again."""
        self._reading.set()

    async def close(self) -> None:
        """The client goes away; the app's connection ends."""
        self.resume()
        await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, 10)
