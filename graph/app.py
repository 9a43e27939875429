"""The ASGI application: GraphQL over HTTP, health checks, lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db.config import Settings, get_settings
from db.engine import Database
from graph.broker import InProcessBroker
from graph.http import graphql_endpoint
from graph.ide import static_routes
from graph.schema import schema
from graph.state import AppState


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
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the app; `database` may be given by tests to share an engine."""
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    state = AppState(settings=settings, database=database, broker=InProcessBroker(), schema=schema)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await state.broker.close()
        await state.database.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *static_routes(enabled=state.graphiql),
        ],
        lifespan=lifespan,
    )
    app.state.graph = state
    return app
