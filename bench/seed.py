"""Benchmark databases: migrated, seeded once per data version, reused between runs."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.config import DATA_DIR, Settings, normalize_database_url
from db.engine import Database
from db.generate import generate_deals
from db.migrate import upgrade

# Bump when the generator or the demo world changes what a seeded database holds.
DATA_VERSION = 1
CACHE_DIR = DATA_DIR / "bench"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True, slots=True)
class BenchDatabase:
    """A seeded database and the tokens of its demo users."""

    url: str
    tokens: list[dict[str, str]]

    def token_of(self, kind: str) -> str:
        """The token of the first demo user of a VENDOR or PARTNER account."""
        return next(entry["token"] for entry in self.tokens if entry["accountKind"] == kind)


def _name(deals: int) -> str:
    return f"bench_v{DATA_VERSION}_{deals}"


async def _admin(url: str, *statements: str) -> list[object]:
    engine = create_async_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            results = [await connection.execute(text(s)) for s in statements]
            return [r.scalar() if r.returns_rows else None for r in results]
    finally:
        await engine.dispose()


async def _generate(url: str, deals: int, tokens_path: Path) -> None:
    database = Database(url)
    try:
        settings = Settings(database_url=url, app_env="development")
        await generate_deals(
            database=database, settings=settings, count=deals, tokens_path=tokens_path
        )
    finally:
        await database.dispose()


def _seed(url: str, deals: int, marker: Path, log: bool) -> None:
    started = time.monotonic()
    if log:
        print(f"seeding {deals} deals into {make_url(url).render_as_string()} ...", flush=True)
    upgrade(url)
    staging = marker.with_suffix(".staging.json")
    asyncio.run(_generate(url, deals, staging))
    staging.replace(marker)  # the marker says: this database is complete
    if log:
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)


def sqlite_database(deals: int, *, log: bool = True) -> BenchDatabase:
    """A SQLite file with `deals` generated deals (created on first use)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{_name(deals)}.db"
    marker = CACHE_DIR / f"{_name(deals)}.sqlite.tokens.json"
    url = f"sqlite+aiosqlite:///{path}"
    if not marker.exists() or not path.exists():
        for stale in CACHE_DIR.glob(f"{_name(deals)}.db*"):
            stale.unlink()
        _seed(url, deals, marker, log)
    upgrade(url)  # picks up migrations added since the file was seeded (e.g. indexes)
    return BenchDatabase(url, json.loads(marker.read_text()))


def postgres_database(deals: int, *, log: bool = True) -> BenchDatabase:
    """A PostgreSQL database `bench_v<N>_<deals>` on 127.0.0.1 (created on first use)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    name = _name(deals)
    marker = CACHE_DIR / f"{name}.postgresql.tokens.json"
    url = make_url(normalize_database_url(PG_ADMIN_URL)).set(database=name)
    rendered = url.render_as_string(hide_password=False)
    exists_sql = f"SELECT count(*) FROM pg_database WHERE datname = '{name}'"  # noqa: S608
    (found,) = asyncio.run(_admin(PG_ADMIN_URL, exists_sql))
    if not found or not marker.exists():
        marker.unlink(missing_ok=True)
        asyncio.run(
            _admin(
                PG_ADMIN_URL,
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}"',
            )
        )
        _seed(rendered, deals, marker, log)
        asyncio.run(_admin(rendered, "VACUUM ANALYZE"))
    upgrade(rendered)
    return BenchDatabase(rendered, json.loads(marker.read_text()))
