"""What a subscription follows: an ordered table, read after a position, woken by a channel.

A feed says where a subscription's events come from and nothing about how they are
sent: the channel whose messages mean "something new", where to start, how to read
what follows a position (batched across subscribers), the position of a row, and the
GraphQL object a row becomes. `follow()` runs one as an async generator (strawberry's
in-process `schema.subscribe`); `graph.subscriptions.dispatcher` runs thousands of
them from one loop for the WebSocket transport. Both keep the same order of steps, so
both deliver every row exactly once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from db.queries.feeds import FEED_PAGE
from graph.broker import Broker

Row = TypeVar("Row", contravariant=True)


class BatchRead(Protocol):
    """Reads many feeds' rows at once: one result (a list of rows) per key, in key order."""

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Any]:
        """The rows of each key."""

    def load(self, key: Any) -> Awaitable[Any]:
        """One key's rows, batched with the other keys loaded in the same tick."""


class Feed(Protocol, Generic[Row]):
    """One subscription's source of events."""

    @property
    def channel(self) -> str:
        """The broker channel that announces new rows."""

    @property
    def reads(self) -> BatchRead:
        """The process-wide reader that answers this feed's keys."""

    async def start(self) -> int:
        """The position to read after first (the client's cursor, or the newest row)."""

    def key(self, position: int) -> Any:
        """What `reads` is asked for the rows after `position` (up to `FEED_PAGE`, in order)."""

    def position(self, row: Row) -> int:
        """Where a row sits; rows come in increasing position."""

    def source(self, row: Row) -> Any:
        """The GraphQL object the subscription field resolves to for this row."""


async def follow(broker: Broker, feed: Feed[Row]) -> AsyncIterator[Any]:
    """Every row after `feed.start()`, in order, exactly once, then each new one as it commits.

    The channel is followed before the starting position is read, so a row committed
    at any moment is either read by the next query or followed by a wake-up. The
    message itself is ignored: the database says what is new (position > last seen).
    A wake-up that arrives while rows are being read or sent stays pending, so the
    next wait returns at once and reads again.
    """
    async with broker.subscribe(feed.channel) as wakeup:
        last = await feed.start()
        while True:
            rows = await feed.reads.load(feed.key(last))
            for row in rows:
                last = feed.position(row)
                yield feed.source(row)
            if len(rows) < FEED_PAGE:
                await wakeup.wait()
