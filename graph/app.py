"""The ASGI application: GraphQL over HTTP, health checks, lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from db.config import Settings, get_settings
from db.engine import Database
from graph.broker import broker_for
from graph.http import GraphQLHTTP
from graph.ide import static_routes
from graph.logging import configure_logging
from graph.middleware import RequestLogMiddleware
from graph.runtime import tune_process
from graph.schema import schema
from graph.state import AppState
from graph.websocket.service import TransportWS


async def healthz(_request: Request) -> JSONResponse:
    """The process is alive."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database (and broker, when configured) can be reached."""
    state: AppState = request.app.state.graph
    checks: dict[str, str] = {}
    try:
        async with state.database.session() as session:
            await session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any failure means not ready
        checks["database"] = "unreachable"
    checks["broker"] = "ok" if state.broker.healthy else "unreachable"
    endpoint: GraphQLHTTP = request.app.state.endpoint
    if endpoint.limiter is not None:
        checks["rate_limiter"] = "ok" if await endpoint.limiter.ready() else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


class App(Starlette):
    """Starlette, except that `/graphql` WebSockets go straight to the transport.

    Each middleware and routing layer is a coroutine frame that a WebSocket keeps for
    as long as it is open (about 4 KB per socket in all); none of them does anything
    for these sockets (request logging is for HTTP, and the transport handles its own
    errors), so they are skipped.
    """

    def __init__(self, *args: object, websocket: TransportWS, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.graphql_websocket = websocket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/graphql":
            await self.graphql_websocket(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the app; `database` may be given by tests to share an engine."""
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    state = AppState(
        settings=settings, database=database, broker=broker_for(settings.redis_url), schema=schema
    )
    configure_logging(settings.log_level)
    endpoint = GraphQLHTTP(state)
    websocket = TransportWS(state, endpoint)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tune_process()
        await state.broker.start()
        yield
        # Graceful shutdown: uvicorn stops accepting, closes WebSockets (1012), lets
        # requests finish, then this runs.
        await websocket.close()
        await endpoint.close()
        await state.broker.close()
        await state.database.dispose()

    app = App(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *static_routes(enabled=state.graphiql),
        ],
        middleware=[Middleware(RequestLogMiddleware)],
        lifespan=lifespan,
        websocket=websocket,
    )
    app.state.graph = state
    app.state.endpoint = endpoint
    return app
