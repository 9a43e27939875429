"""Following an ordered table: replay from a position, then wake on pub/sub and read again."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from db.queries.feeds import FEED_PAGE
from graph.broker import Broker

Row = TypeVar("Row")

SAFETY_POLL_SECONDS = 30.0
"""Re-read even without a wake-up this often, in case one was lost in transit."""


async def _woken(wakeups: asyncio.Queue[str], seconds: float) -> None:
    """Wait for a wake-up (or the timeout), then swallow the others already queued."""
    try:
        async with asyncio.timeout(seconds):
            await wakeups.get()
    except TimeoutError:
        return
    while not wakeups.empty():
        wakeups.get_nowait()


async def follow(
    broker: Broker,
    channel: str,
    *,
    start: Callable[[], Awaitable[int]],
    read_after: Callable[[int], Awaitable[Sequence[Row]]],
    position: Callable[[Row], int],
    poll_seconds: float = SAFETY_POLL_SECONDS,
) -> AsyncIterator[Row]:
    """Every row after `start()`, in order, exactly once, then each new one as it commits.

    The subscription opens before the starting position is read, so a row committed
    at any moment is either read by the next query or followed by a wake-up. The
    message itself is ignored: the database says what is new (`position` > last seen).
    """
    async with broker.subscribe(channel) as wakeups:
        last = await start()
        while True:
            rows = await read_after(last)
            for row in rows:
                last = position(row)
                yield row
            if len(rows) < FEED_PAGE:
                # Spread safety polls so idle subscribers do not all poll at once.
                await _woken(wakeups, poll_seconds * random.uniform(0.8, 1.2))
