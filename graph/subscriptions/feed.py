"""Following an ordered table: replay from a position, then wake on pub/sub and read again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from db.queries.feeds import FEED_PAGE
from graph.broker import Broker

Row = TypeVar("Row")


async def follow(
    broker: Broker,
    channel: str,
    *,
    start: Callable[[], Awaitable[int]],
    read_after: Callable[[int], Awaitable[Sequence[Row]]],
    position: Callable[[Row], int],
) -> AsyncIterator[Row]:
    """Every row after `start()`, in order, exactly once, then each new one as it commits.

    The subscription opens before the starting position is read, so a row committed
    at any moment is either read by the next query or followed by a wake-up. The
    message itself is ignored: the database says what is new (`position` > last seen).
    A wake-up that arrives while rows are being read or sent stays pending, so the
    next wait returns at once and reads again.
    """
    async with broker.subscribe(channel) as wakeup:
        last = await start()
        while True:
            rows = await read_after(last)
            for row in rows:
                last = position(row)
                yield row
            if len(rows) < FEED_PAGE:
                await wakeup.wait()
