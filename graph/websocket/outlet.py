"""How messages leave one WebSocket: at once when the socket can take them, never waiting.

Subscription events are offered (`offer`): written now, or refused when the socket's
buffer is full, and the caller is told (`on_drain`) when to try again. Protocol
messages (`connection_ack`, `pong`, `error`, `complete`, close) are sent (`send`), in
order with the offered ones.

`DirectOutlet` uses the offer extension of `graph.websocket.protocol` (uvicorn with
`LeanWebSocketProtocol`): a frame is written straight to the transport. `QueuedOutlet`
works on any ASGI server: offered frames wait in a short queue that one writer task
sends through ASGI `send`, and a full queue refuses more.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.types import Message, Send

QUEUED_FRAMES = 64
"""Frames a `QueuedOutlet` holds before refusing more (the client is not reading)."""


class DirectOutlet:
    """Frames written straight to uvicorn's transport (`LeanWebSocketProtocol`)."""

    __slots__ = ("_extension", "_send")

    def __init__(self, send: Send, extension: dict[str, Any]) -> None:
        self._send = send
        self._extension = extension

    def offer(self, data: bytes) -> bool:
        """Write one text message now; False if the socket cannot take it now."""
        return bool(self._extension["offer"](data))

    def on_drain(self, callback: Callable[[], None]) -> None:
        """Call back once the socket can take frames again (or is gone)."""
        self._extension["on_drain"](callback)

    async def send(self, message: Message) -> None:
        """Send an ASGI message (waits while the socket's buffer is full)."""
        await self._send(message)


class QueuedOutlet:
    """Frames sent through ASGI `send` by one writer task, at most `QUEUED_FRAMES` waiting."""

    __slots__ = ("_drain", "_queue", "_send", "_writer")

    def __init__(self, send: Send) -> None:
        self._send = send
        self._queue: deque[tuple[Message, asyncio.Future[None] | None]] = deque()
        self._writer: asyncio.Task[None] | None = None
        self._drain: Callable[[], None] | None = None

    def offer(self, data: bytes) -> bool:
        if len(self._queue) >= QUEUED_FRAMES:
            return False
        self._put({"type": "websocket.send", "text": data.decode()}, None)
        return True

    def on_drain(self, callback: Callable[[], None]) -> None:
        self._drain = callback

    @property
    def waiting(self) -> int:
        """Messages queued and not yet taken by the server's `send`."""
        return len(self._queue)

    async def send(self, message: Message) -> None:
        sent = asyncio.get_running_loop().create_future()
        self._put(message, sent)
        await sent

    def _put(self, message: Message, sent: asyncio.Future[None] | None) -> None:
        self._queue.append((message, sent))
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        try:
            while self._queue:
                message, sent = self._queue[0]
                try:
                    await self._send(message)
                except BaseException as error:
                    if sent is not None and not sent.done():
                        sent.set_exception(error)
                    raise
                self._queue.popleft()
                if sent is not None and not sent.done():
                    sent.set_result(None)
        except Exception:  # the socket is gone: the connection's receive loop sees it
            for _, waiting in self._queue:
                if waiting is not None and not waiting.done():
                    waiting.cancel()
            self._queue.clear()
        finally:
            self._writer = None
            drain, self._drain = self._drain, None
            if drain is not None:
                drain()
