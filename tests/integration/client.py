"""A minimal graphql-transport-ws client over a real WebSocket, and an HTTP GraphQL client."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")


class GraphQLSocket:
    """One authenticated connection; messages are sorted by operation id as they arrive."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._by_id: dict[str, asyncio.Queue[dict[str, Any]]] = defaultdict(asyncio.Queue)
        self._reader: asyncio.Task[None] | None = None
        self.closed: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(cls, url: str, token: str | None) -> GraphQLSocket:
        """Connect and send `connection_init` (with the token); does not wait for the ack."""
        connection = await connect(url, subprotocols=[PROTOCOL], open_timeout=10)
        socket = cls(connection)
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        socket._reader = asyncio.create_task(socket._read())
        return socket

    @classmethod
    async def connect(cls, url: str, token: str) -> GraphQLSocket:
        """Connect, authenticate and wait for `connection_ack`."""
        socket = await cls.open(url, token)
        ack = await socket.message("")
        assert ack["type"] == "connection_ack", ack
        return socket

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                message = json.loads(raw)
                self._by_id[message.get("id", "")].put_nowait(message)
        except ConnectionClosed:
            pass
        close = self.connection.close_code or 1006, self.connection.close_reason or ""
        self.closed.set_result(close)

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any] | None = None):
        """Start an operation under `op_id`."""
        payload = {"query": query, "variables": variables or {}}
        message = {"id": op_id, "type": "subscribe", "payload": payload}
        await self.connection.send(json.dumps(message))

    async def message(self, op_id: str, seconds: float = 15) -> dict[str, Any]:
        """The next message for `op_id` ("" for connection messages)."""
        return await asyncio.wait_for(self._by_id[op_id].get(), seconds)

    async def next(self, op_id: str) -> dict[str, Any]:
        """The data of the next `next` message for `op_id`; fails on anything else."""
        message = await self.message(op_id)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]  # type: ignore[no-any-return]

    async def close_code(self, seconds: float = 15) -> tuple[int, str]:
        """How the server closed the connection: (code, reason)."""
        return await asyncio.wait_for(asyncio.shield(self.closed), seconds)

    async def close(self) -> None:
        """Close from the client side."""
        await self.connection.close()
        if self._reader is not None:
            await self._reader


async def post(base_url: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run one operation over HTTP POST; the decoded response (fails on top-level errors)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body
