"""SQL statements per request, counted in-process with a SQLAlchemy event listener."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

from db.config import Settings
from db.engine import Database


@contextmanager
def counting(*engines: Engine) -> Iterator[list[str]]:
    """Collect every statement the engines send while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    unique = list({id(engine): engine for engine in engines}.values())
    for engine in unique:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in unique:
            event.remove(engine, "before_cursor_execute", count)


def _real(statements: list[str]) -> int:
    """Statements that do work (not transaction bookkeeping such as BEGIN)."""
    return sum(1 for s in statements if s.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"))


async def _ours(url: str, token: str, body: bytes, warm: bytes) -> int:
    from graph.app import create_app

    database = Database(url)
    settings = Settings(database_url=url, app_env="development", rate_limit_enabled=False)
    app = create_app(settings, database)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            await client.post("/graphql", content=warm, headers=headers)  # warm caches
            with counting(database.engine.sync_engine, database.write_engine.sync_engine) as seen:
                response = await client.post("/graphql", content=body, headers=headers)
            if response.status_code != 200 or b'"errors"' in response.content:
                raise RuntimeError(f"the request failed: {response.text[:500]}")
            return _real(seen)
    finally:
        await database.dispose()


async def _baseline(url: str, token: str, body: bytes, warm: bytes) -> int:
    os.environ["DATABASE_URL"] = url
    from bench.baseline import create_baseline_app

    app = create_baseline_app()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            await client.post("/deals-home", content=warm, headers=headers)
            with counting(app.state.engine.sync_engine) as seen:
                response = await client.post("/deals-home", content=body, headers=headers)
            assert response.status_code == 200
            return _real(seen)
    finally:
        await app.state.engine.dispose()


def statements_per_request(
    url: str, token: str, body: bytes, *, warm: bytes | None = None, baseline: bool = False
) -> int:
    """How many SQL statements one request sends, after a warm-up request (`warm` or `body`)."""
    run = _baseline if baseline else _ours
    return asyncio.run(run(url, token, body, warm or body))
