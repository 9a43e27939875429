"""Pub/sub that wakes subscribers after a commit; the database stays the source of truth."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class Broker(Protocol):
    """Wakes subscribers of a channel; messages carry no data that is not in the database."""

    async def publish(self, channel: str, message: str) -> None:
        """Announce something new on `channel` (after the transaction committed)."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[asyncio.Queue[str]]:
        """A queue receiving the channel's messages while the context is open."""

    async def close(self) -> None:
        """Stop delivering and release connections."""

    @property
    def healthy(self) -> bool:
        """Whether messages are being delivered right now."""


class InProcessBroker:
    """Pub/sub within one process: the embedded default."""

    def __init__(self, queue_size: int = 64) -> None:
        self._queues: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)
        self._queue_size = queue_size

    async def publish(self, channel: str, message: str) -> None:
        for queue in list(self._queues.get(channel, ())):
            if queue.full():
                # The subscriber catches up from the database; a wake-up is enough.
                continue
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue(self._queue_size)
        self._queues[channel].add(queue)
        try:
            yield queue
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    async def close(self) -> None:
        self._queues.clear()

    @property
    def healthy(self) -> bool:
        return True
