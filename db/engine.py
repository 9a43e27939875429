"""Async engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from db.config import normalize_database_url

T = TypeVar("T")

# PostgreSQL's deadlock_detected and serialization_failure: the transaction was
# rolled back as a whole and may simply be run again.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


def is_transient(error: BaseException) -> bool:
    """A failure after which running the whole transaction again is safe and sensible."""
    if not isinstance(error, DBAPIError):
        return False
    return getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def _sqlite_pragmas(engine: AsyncEngine, *, begin: str) -> None:
    """Foreign keys on, WAL, and explicit BEGIN so SQLite transactions are real."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


class Database:
    """One database: a read engine and a write engine (the same one on PostgreSQL).

    On SQLite, writers start with BEGIN IMMEDIATE so concurrent writes queue on the
    database lock instead of failing on a read-to-write upgrade.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_database_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_async_engine(self.url, echo=echo, pool_size=8, max_overflow=8)
            _sqlite_pragmas(self.engine, begin="BEGIN")
            self.write_engine = create_async_engine(self.url, echo=echo, pool_size=2)
            _sqlite_pragmas(self.write_engine, begin="BEGIN IMMEDIATE")
        else:
            self.engine = create_async_engine(
                self.url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True
            )
            self.write_engine = self.engine
        self._read = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )
        self._write = async_sessionmaker(
            self.write_engine, class_=AsyncSession, expire_on_commit=False
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short read session; its implicit transaction ends on exit."""
        async with self._read() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write session in one transaction: committed on success, rolled back on error."""
        async with self._write() as session, session.begin():
            yield session

    async def run_transaction(
        self, operation: Callable[[AsyncSession], Awaitable[T]], *, attempts: int = 4
    ) -> T:
        """Run `operation` in one transaction, again from scratch after a deadlock.

        Locks taken by concurrent changes on different deals can form a cycle
        (PostgreSQL then aborts one of them); retrying the loser is the standard cure.
        """
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(attempts),
            wait=wait_random_exponential(multiplier=0.02, max=0.5),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                async with self.transaction() as session:
                    result = await operation(session)
        return result

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()
