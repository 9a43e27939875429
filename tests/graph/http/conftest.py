"""Fixtures for HTTP-level tests: apps with custom settings, SQL statement recording."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from db.config import Settings
from db.engine import Database
from graph.app import create_app


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the test runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engines = {database.engine.sync_engine, database.write_engine.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    yield seen
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)


TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def beyond_auth(statements: list[str]) -> list[str]:
    """The statements other than the bearer-token lookup (what resolvers would run)."""
    queries = [s for s in statements if s.split(None, 1)[0].upper() not in TRANSACTION_CONTROL]
    return [s for s in queries if "api_token" not in s]


@pytest.fixture
def app_with(database_url: str, database: Database) -> Callable[..., Any]:
    """An HTTP client on an app built with the given settings overrides."""

    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = Settings(database_url=database_url, **{"app_env": "development", **overrides})
        app = create_app(settings, database)
        transport = httpx.ASGITransport(app=app)
        # The lifespan starts the broker (Redis when configured) as a server would.
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
        ):
            yield http

    return make


@pytest.fixture
async def viewer_token(factory: Any) -> str:
    """The token of a partner user who shares one deal with a vendor."""
    partner = await factory.org()
    from db.models import AccountKind

    vendor = await factory.org(AccountKind.VENDOR)
    person = await factory.person(partner)
    await factory.deal(partner, vendor, team=[person])
    return str(person.token)


def auth(token: str, **headers: str) -> dict[str, str]:
    """Headers carrying a bearer token."""
    return {"Authorization": f"Bearer {token}", **headers}
