"""The subscriptions benchmark's floor: the same stack doing nothing but sending.

A Starlette app on uvicorn (the same WebSocket implementation and settings as the real
server) that speaks just enough `graphql-transport-ws` for the load clients: it acks
`connection_init` without checking anything, answers pings, remembers each `subscribe`,
and on `POST /fire` sends every subscriber one `next` message shaped like a real
`notificationReceived` event. No GraphQL, no authentication, no database, no broker.

What it measures is what uvicorn, Starlette and the kernel cost per idle socket and per
message on this machine, with the load processes beside it: no server on this stack can
do better, so the real server's numbers read against it.
"""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


def create_app() -> Starlette:
    """The floor app (`uvicorn bench.ws_floor:create_app --factory`)."""
    subscribers: list[tuple[WebSocket, str]] = []

    async def graphql(websocket: WebSocket) -> None:
        await websocket.accept(subprotocol="graphql-transport-ws")
        try:
            while True:
                message = orjson.loads(await websocket.receive_text())
                kind = message.get("type")
                if kind == "connection_init":
                    await websocket.send_text('{"type":"connection_ack"}')
                elif kind == "ping":
                    await websocket.send_text('{"type":"pong"}')
                elif kind == "subscribe":
                    subscribers.append((websocket, message["id"]))
        except WebSocketDisconnect:
            subscribers[:] = [pair for pair in subscribers if pair[0] is not websocket]

    async def fire(request: Request) -> PlainTextResponse:
        number = int(request.query_params.get("round", "1"))
        for index, (websocket, operation) in enumerate(subscribers):
            event = {"cursor": f"{index}:{number}", "activity": {"kind": "AMOUNT_CHANGED"}}
            message = {"id": operation, "type": "next", "payload": {"data": {"e": event}}}
            await websocket.send_text(orjson.dumps(message).decode())
        return PlainTextResponse(str(len(subscribers)))

    async def healthz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            WebSocketRoute("/graphql", graphql),
            Route("/fire", fire, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )
