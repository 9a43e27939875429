"""Pub/sub that wakes subscribers after a commit; the database stays the source of truth.

A message is only a wake-up: subscribers read what is new from the database. So a
dropped message, a full queue or a broker outage can delay a subscriber but never
make it lose or repeat anything, as long as it is woken again later. Brokers wake
every local subscriber whenever messages may have been lost (Redis reconnected).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("graph.broker")

QUEUE_SIZE = 8
"""Wake-ups a subscriber may have pending; more are dropped (they add nothing)."""


class Broker(Protocol):
    """Wakes subscribers of a channel; messages carry no data that is not in the database."""

    async def start(self) -> None:
        """Connect (or begin trying to); never fails, so the server starts without Redis."""

    async def publish(self, channel: str, message: str) -> None:
        """Announce something new on `channel` (after the transaction committed)."""

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> None:
        """Announce several `(channel, message)` pairs at once (one round trip on Redis)."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[asyncio.Queue[str]]:
        """A queue receiving the channel's messages while the context is open."""

    async def close(self) -> None:
        """Stop delivering and release connections."""

    @property
    def healthy(self) -> bool:
        """Whether messages are being delivered right now."""


class LocalFanout:
    """This process's subscribers: one bounded queue each, grouped by channel."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self._queues: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)
        self._queue_size = queue_size

    def deliver(self, channel: str, message: str) -> None:
        """Wake the channel's subscribers without ever waiting for one."""
        for queue in self._queues.get(channel, ()):
            if not queue.full():  # a full queue already holds a wake-up
                queue.put_nowait(message)

    def wake_all(self) -> None:
        """Wake every subscriber so each catches up from the database."""
        for channel in list(self._queues):
            self.deliver(channel, "")

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions this process holds."""
        return sum(len(queues) for queues in self._queues.values())

    @property
    def queued(self) -> int:
        """Wake-ups waiting to be taken, over all subscribers (bounded by queue size each)."""
        return sum(queue.qsize() for queues in self._queues.values() for queue in queues)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[str]]:
        """Register a queue for `channel` until the context exits."""
        queue: asyncio.Queue[str] = asyncio.Queue(self._queue_size)
        self._queues[channel].add(queue)
        try:
            yield queue
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    def clear(self) -> None:
        """Forget every subscriber."""
        self._queues.clear()


class InProcessBroker:
    """Pub/sub within one process: the embedded default."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.local = LocalFanout(queue_size)

    async def start(self) -> None:
        return None

    async def publish(self, channel: str, message: str) -> None:
        self.local.deliver(channel, message)

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> None:
        for channel, message in messages:
            self.local.deliver(channel, message)

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[asyncio.Queue[str]]:
        return self.local.subscribe(channel)

    async def close(self) -> None:
        self.local.clear()

    @property
    def healthy(self) -> bool:
        return True


class RedisBroker:
    """Redis pub/sub shared by every instance, with this process's subscribers behind it.

    One pattern subscription (`<prefix>*`) per process receives every wake-up and hands
    it to local queues, so subscribing locally takes effect at once, with no round trip.
    The listener reconnects with jittered exponential backoff; after every (re)connect
    it wakes all local subscribers, who then read whatever they missed from the database.
    """

    def __init__(self, url: str, *, prefix: str = "shared-deals:", queue_size: int = QUEUE_SIZE):
        self.local = LocalFanout(queue_size)
        self._prefix = prefix
        self._url = url
        # Publishing must not hold a committed mutation's response for long.
        self._client = Redis.from_url(
            url,
            socket_connect_timeout=1,
            socket_timeout=1,
            retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.2), retries=1),
        )
        self._listen_client = Redis.from_url(url, socket_connect_timeout=1, health_check_interval=5)
        self._reconnect = Retry(ExponentialWithJitterBackoff(base=0.1, cap=2.0), retries=-1)
        self._connected = False
        self._listener: asyncio.Task[None] | None = None
        self._started = asyncio.Event()

    async def start(self) -> None:
        """Start listening; returns once connected, or after a short wait if Redis is down."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen_forever(), name="redis-broker")
        with suppress(TimeoutError):
            async with asyncio.timeout(2):
                await self._started.wait()

    @property
    def healthy(self) -> bool:
        return self._connected

    async def publish(self, channel: str, message: str) -> None:
        await self.publish_many([(channel, message)])

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> None:
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for channel, message in messages:
                    pipe.publish(self._prefix + channel, message)
                await pipe.execute()
        except (RedisError, OSError) as error:
            # The change is committed; subscribers elsewhere catch up when Redis is back.
            logger.warning("redis publish of %d messages failed: %s", len(messages), error)
            for channel, message in messages:
                self.local.deliver(channel, message)

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[asyncio.Queue[str]]:
        return self.local.subscribe(channel)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with suppress(asyncio.CancelledError):
                await self._listener
        self._connected = False
        self.local.clear()
        await self._client.aclose()
        await self._listen_client.aclose()

    async def _listen_forever(self) -> None:
        while True:
            pubsub = await self._reconnect.call_with_retry(self._connect, self._on_failure)
            self._connected = True
            self._started.set()
            logger.info("redis broker connected")
            # Anything published while we were away was lost: everyone re-reads.
            self.local.wake_all()
            try:
                await self._pump(pubsub)
            except (RedisError, OSError) as error:
                logger.warning("redis broker disconnected: %s", error)
            finally:
                self._connected = False
                with suppress(RedisError, OSError):
                    await pubsub.aclose()

    async def _connect(self) -> PubSub:
        pubsub = self._listen_client.pubsub()
        try:
            await pubsub.psubscribe(self._prefix + "*")
            # Wait for the confirmation: only then are later publishes sure to arrive.
            async with asyncio.timeout(5):
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message["type"] == "psubscribe":
                        return pubsub
        except TimeoutError:
            await pubsub.aclose()
            raise RedisTimeoutError("no confirmation of the pattern subscription") from None
        except BaseException:
            await pubsub.aclose()
            raise

    async def _on_failure(self, error: Exception) -> None:
        self._connected = False
        self._started.set()  # starting up without Redis is allowed: keep serving
        logger.warning("redis broker unavailable, retrying: %s", error)

    async def _pump(self, pubsub: PubSub) -> None:
        skip = len(self._prefix)
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
            if message is None:
                await pubsub.ping()  # notice a silently dead connection
                continue
            if message["type"] != "pmessage":
                continue
            channel = message["channel"].decode()[skip:]
            self.local.deliver(channel, message["data"].decode())


def broker_for(redis_url: str | None, *, prefix: str = "shared-deals:") -> Broker:
    """Redis when a URL is configured, else in-process (call `start()` before use)."""
    if redis_url:
        return RedisBroker(redis_url, prefix=prefix)
    return InProcessBroker()
