"""Helpers shared by the per-request loaders: key-ordered results, values without awaiting."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from inspect import isawaitable
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")

MISSING: Any = object()


def one_per_key(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], Any]) -> list[V | None]:
    """Rows in the order of `keys`, None where a key found nothing."""
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def many_per_key(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[list[V]]:
    """Rows grouped by key, in the order of `keys` (rows keep their query order)."""
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


class SharedReader:
    """One read session shared by a request's loaders, used by one batch at a time.

    Batches dispatched together (a prefetch, one level of a query) run back to back
    on one pooled connection in one snapshot, instead of each checking out its own
    connection and transaction; the session closes as soon as nobody waits for it.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = asyncio.Lock()
        self._opened: AbstractAsyncContextManager[AsyncSession] | None = None
        self._session: AsyncSession | None = None
        self._waiting = 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The shared session, exclusively for the duration of the block."""
        self._waiting += 1
        try:
            async with self._lock:
                failed = False
                if self._session is None:
                    self._opened = self.database.session()
                    self._session = await self._opened.__aenter__()
                try:
                    yield self._session
                except BaseException:
                    failed = True
                    raise
                finally:
                    if failed or self._waiting == 1:
                        await self._close()
        finally:
            self._waiting -= 1

    async def _close(self) -> None:
        opened, self._opened, self._session = self._opened, None, None
        if opened is not None:
            await opened.__aexit__(None, None, None)


class ScopedLoader(DataLoader[Any, Any]):
    """A DataLoader bound to the request's reader and the viewer's account."""

    def __init__(
        self, database: Database, account_id: int, is_vendor: bool, reader: SharedReader
    ) -> None:
        super().__init__()
        self.database = database
        self.reader = reader
        self.account_id = account_id
        self.is_vendor = is_vendor

    def load(self, key: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        """The key's value, batched and cached for the request.

        A cached load is shared by every field that asks for the key. graphql-core
        cancels the pending fields of an object whose non-null field failed, and
        cancelling a task cancels the future it waits on: each caller therefore waits
        on its own shield, so one field being cancelled never cancels the load for
        another field elsewhere in the response.
        """
        return asyncio.shield(super().load(key))

    def peek(self, key: Any) -> Any:
        """The value already loaded for `key`, or MISSING; never schedules a load."""
        future = self._cache.get(key)
        if future is None or not future.done() or future.exception() is not None:
            return MISSING
        return future.result()

    def prime_many(self, items: Iterable[tuple[Any, Any]]) -> None:
        """Remember values read by another loader's query (first value per key wins)."""
        for key, value in items:
            self.prime(key, value)


def resolve_now(loader: ScopedLoader, key: Any, wrap: Callable[[Any], R]) -> Any:
    """`wrap(value)` at once when the value is loaded, else an awaitable of it.

    Resolvers return this from plain (sync) functions: GraphQL awaits what needs
    awaiting, and fields whose data a list resolver prefetched cost no coroutine.
    Typed `Any` because a resolver's annotation must name the GraphQL type, not
    `T | Awaitable[T]`.
    """
    value = loader.peek(key)
    if value is not MISSING:
        return wrap(value)

    async def later() -> R:
        result: Any = wrap(await loader.load(key))
        return await result if isawaitable(result) else result

    return later()
