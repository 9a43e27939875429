"""Fixtures: a fresh, migrated database per test on SQLite and (when configured) PostgreSQL.

Set TEST_DATABASE_URL to also run every database test on PostgreSQL, and
REQUIRE_SERVICES=1 to turn an unreachable service into a failure instead of a skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.config import Settings, normalize_database_url
from db.engine import Database
from db.migrate import upgrade
from graph.app import create_app
from tests.factories import Factory

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
BACKENDS = ["sqlite", "postgresql"]


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def _admin(url: str, *statements: str) -> None:
    engine = create_async_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL template database, cloned for each test."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"tmpl_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_admin(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"'))
    except OSError as error:
        _unavailable(f"PostgreSQL at TEST_DATABASE_URL: {error}")
    url = make_url(normalize_database_url(TEST_DATABASE_URL)).set(database=name)
    upgrade(url.render_as_string(hide_password=False))
    yield name
    asyncio.run(_admin(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    assert TEST_DATABASE_URL
    name = f"test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(TEST_DATABASE_URL, f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(normalize_database_url(TEST_DATABASE_URL)).set(database=name)
    yield url.render_as_string(hide_password=False)
    asyncio.run(_admin(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The fresh database, open for the test."""
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def backend(database: Database) -> str:
    """'sqlite' or 'postgresql'."""
    return "sqlite" if database.is_sqlite else "postgresql"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a development server on the test database."""
    return Settings(database_url=database_url, app_env="development")


@pytest.fixture
async def factory(database: Database) -> Factory:
    """Makes accounts, users, deals and tokens directly in the database."""
    return Factory(database)


@pytest.fixture
def app(settings: Settings, database: Database) -> Any:
    """The ASGI app on the test database."""
    return create_app(settings, database)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class Body(dict[str, Any]):
    """A decoded response; `extensions` kept as an attribute, out of comparisons."""

    extensions: dict[str, Any] | None = None


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Any:
    """Run an operation as the holder of `token`; returns the decoded JSON response.

    The response's `extensions` (query cost, throttle status: they vary from call to
    call) are kept apart in `.extensions`, so bodies compare on data and errors alone.
    """

    async def run(
        query: str, token: str | None, variables: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}, **extra},
            headers=headers,
        )
        body = Body(response.json())
        body.extensions = body.pop("extensions", None)
        body["_status"] = response.status_code
        return body

    return run
