"""uvicorn's WebSocket protocol, lighter per socket and with a send that never waits.

A server holding thousands of idle subscriptions pays uvicorn's per-connection state
thousands of times. `LeanWebSocketProtocol` is uvicorn's own sans-I/O implementation
(`websockets-sansio`: same handshake, framing, keepalive, close and shutdown
behaviour) with three changes:

- Its receive queue and writable flag are a list and a flag with a waiter, not an
  `asyncio.Queue` and an `asyncio.Event`: those hold four `deque`s (about 3 KB per
  socket) for a queue that holds at most a message or two, since uvicorn stops reading
  the socket while a message waits.
- The parsed handshake request's headers and the response built from it are dropped
  once the handshake is answered (the ASGI scope keeps the headers the app may read).
- The ASGI scope offers the `shared-deals.websocket.offer` extension: `offer(data)`
  frames a text message and writes it at once, returning False instead of waiting
  when the socket's write buffer is full (or the socket is closing), and
  `on_drain(callback)` calls back once the buffer has drained. One loop can then
  write to thousands of sockets without a task each, and a client that stops reading
  never holds up the others (`graph.subscriptions.dispatcher`).

Select it with uvicorn's `ws` setting (`--ws graph.websocket.protocol:LeanWebSocketProtocol`,
which `db.cli serve` passes). Under any other server the app still works: without the
extension, sends go through ASGI `send` as usual.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers
from websockets.http11 import Request
from websockets.protocol import OPEN

OFFER_EXTENSION = "shared-deals.websocket.offer"
"""Key of the scope extension: `{"offer": (bytes) -> bool, "on_drain": (callback) -> None}`."""

PROTOCOL = "graph.websocket.protocol:LeanWebSocketProtocol"
"""uvicorn's `ws` setting that selects this protocol."""

WS_PER_MESSAGE_DEFLATE = False
"""uvicorn's setting for this endpoint. Messages are small JSON; permessage-deflate cost
each idle socket about 40 KB of zlib state and every frame a compression pass, for
little saving."""

UVICORN_WS_OPTIONS: dict[str, object] = {
    "ws": PROTOCOL,
    "ws_per_message_deflate": WS_PER_MESSAGE_DEFLATE,
}
"""What `db.cli serve` (and the tests' and benchmarks' servers) pass to uvicorn."""


def uvicorn_ws_arguments() -> tuple[str, ...]:
    """`UVICORN_WS_OPTIONS` as `uvicorn` command-line arguments."""
    return ("--ws", PROTOCOL, "--ws-per-message-deflate", str(WS_PER_MESSAGE_DEFLATE))


class _Waiters:
    """Futures waiting for a state change; none allocated until someone waits."""

    __slots__ = ("_futures",)

    def __init__(self) -> None:
        self._futures: list[asyncio.Future[None]] | None = None

    async def wait(self) -> None:
        future = asyncio.get_running_loop().create_future()
        if self._futures is None:
            self._futures = []
        self._futures.append(future)
        try:
            await future
        finally:
            if self._futures is not None and future in self._futures:
                self._futures.remove(future)

    def wake(self) -> None:
        futures, self._futures = self._futures, None
        for future in futures or ():
            if not future.done():
                future.set_result(None)


class Inbox(_Waiters):
    """The receive queue uvicorn's protocol uses: `put_nowait`, `get` and `empty`."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        super().__init__()
        self._items: list[Any] = []

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self.wake()

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> Any:
        while not self._items:
            await self.wait()
        return self._items.pop(0)


class Flag(_Waiters):
    """The writable flag uvicorn's protocol uses: `set`, `clear`, `is_set` and `wait`."""

    __slots__ = ("_set",)

    def __init__(self) -> None:
        super().__init__()
        self._set = False

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        self.wake()

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:  # type: ignore[override]
        while not self._set:
            await super().wait()


def text_frame(data: bytes) -> bytes:
    """One unfragmented, unmasked text frame (RFC 6455 §5.2), as a server sends it.

    websockets' `send_text` builds the same bytes through its frame objects, which is
    most of a send's CPU when a change reaches thousands of sockets.
    """
    length = len(data)
    if length < 126:
        return _SHORT[length] + data
    if length < 65536:
        return _MEDIUM.pack(0x81, 126, length) + data
    return _LONG.pack(0x81, 127, length) + data


_SHORT = [bytes((0x81, length)) for length in range(126)]
_MEDIUM = struct.Struct("!BBH")
_LONG = struct.Struct("!BBQ")


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's `websockets-sansio` protocol with lighter state and a non-blocking send."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()
        self._on_drain: Callable[[], None] | None = None

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The scope now holds the headers the app may read. websockets' parser keeps the
        # request object alive for the socket's lifetime (a local of its generator), so
        # its parsed headers are emptied rather than merely dereferenced here.
        event.headers = Headers()
        self.request = None  # type: ignore[assignment]
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][OFFER_EXTENSION] = {"offer": self.offer, "on_drain": self.on_drain}

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" or self.close_sent:
            self.response = None  # type: ignore[assignment]

    def offer(self, data: bytes) -> bool:
        """Send one text message now; False (nothing sent) if the buffer is full or closing."""
        if (
            not self.writable.is_set()
            or self.disconnected
            or self.close_sent
            or not self.handshake_complete
            or self.initial_response is not None
        ):
            return False
        conn = self.conn
        if conn.state is not OPEN:
            return False
        if conn.extensions:  # a negotiated extension (compression) frames it itself
            conn.send_text(data)
            self.transport.write(b"".join(conn.data_to_send()))
        else:
            self.transport.write(text_frame(data))
        return True

    def on_drain(self, callback: Callable[[], None] | None) -> None:
        """Call `callback` (once) when the write buffer drains or the socket is lost."""
        self._on_drain = callback

    def resume_writing(self) -> None:
        super().resume_writing()
        self._drained()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._drained()

    def _drained(self) -> None:
        callback, self._on_drain = self._on_drain, None
        if callback is not None:
            callback()
