"""uvicorn with `LeanWebSocketProtocol`, over real sockets: the offer extension writes at
once, refuses while a client does not read, and calls back once the buffer drains."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import uvicorn
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from graph.websocket.protocol import OFFER_EXTENSION, LeanWebSocketProtocol

FRAME = 1000  # bytes per message
MOST = 20_000  # messages: far more than small socket buffers hold


class _Echo:
    """An ASGI app that accepts one WebSocket and hands its offer extension to the test."""

    def __init__(self) -> None:
        self.extension: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.scope: dict[str, Any] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        self.scope = scope
        await receive()
        await send({"type": "websocket.accept"})
        self.extension.set_result(scope["extensions"][OFFER_EXTENSION])
        while (await receive())["type"] != "websocket.disconnect":
            pass


async def _serve(app: _Echo) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)  # accepted sockets inherit it
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, ws=LeanWebSocketProtocol, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.ensure_future(server.serve(sockets=[listener]))
    while not server.started:  # noqa: ASYNC110  (uvicorn offers a flag, not an event)
        await asyncio.sleep(0.01)
    return server, task, listener.getsockname()[1]


async def _client(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, ClientProtocol]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
    protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}/"))
    protocol.send_request(protocol.connect())
    writer.write(b"".join(protocol.data_to_send()))
    while not any(isinstance(event, Response) for event in protocol.events_received()):
        protocol.receive_data(await reader.read(4096))
    return reader, writer, protocol


async def _read_texts(
    reader: asyncio.StreamReader, protocol: ClientProtocol, count: int
) -> list[bytes]:
    texts: list[bytes] = []
    while len(texts) < count:
        data = await asyncio.wait_for(reader.read(65536), 10)
        assert data, "the server closed the socket"
        protocol.receive_data(data)
        texts += [
            bytes(event.data)
            for event in protocol.events_received()
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT
        ]
    return texts


@pytest.fixture
async def served() -> Any:
    app = _Echo()
    server, task, port = await _serve(app)
    yield app, port
    server.should_exit = True
    await asyncio.wait_for(task, 10)


async def test_offer_refuses_while_the_client_does_not_read_then_drains(served):
    app, port = served
    reader, writer, protocol = await _client(port)
    extension = await asyncio.wait_for(app.extension, 10)

    # when: the server offers frames to a client that reads nothing
    offered = 0
    while offered < MOST and extension["offer"](f"{offered:08d}".encode().ljust(FRAME, b".")):
        offered += 1
    # then: it refuses before long instead of buffering without bound
    assert 0 < offered < MOST
    assert not extension["offer"](b"still full")
    drained = asyncio.Event()
    extension["on_drain"](drained.set)

    # when: the client reads again
    texts = await _read_texts(reader, protocol, offered)
    await asyncio.wait_for(drained.wait(), 10)
    # then: every accepted frame arrived, whole and in order, and offers work again
    assert [int(text[:8]) for text in texts] == list(range(offered))
    assert all(len(text) == FRAME for text in texts)
    assert extension["offer"](b"after the drain")
    assert await _read_texts(reader, protocol, 1) == [b"after the drain"]
    writer.close()


async def test_the_handshake_request_and_response_are_not_kept(served):
    app, port = served
    _, writer, _ = await _client(port)
    extension = await asyncio.wait_for(app.extension, 10)
    protocol = extension["offer"].__self__
    assert isinstance(protocol, LeanWebSocketProtocol)
    assert protocol.request is None
    assert protocol.response is None
    assert any(name == b"host" for name, _ in app.scope["headers"])  # the app still has them
    writer.close()
