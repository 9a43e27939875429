"""Pub/sub that wakes subscribers after a commit; the database stays the source of truth.

A message is only a wake-up: subscribers read what is new from the database. So a
dropped message, a coalesced wake-up or a broker outage can delay a subscriber but never
make it lose or repeat anything, as long as it is woken again later. Brokers wake
every local subscriber whenever messages may have been lost (Redis reconnected).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("graph.broker")

SAFETY_POLL_SECONDS = 30.0
"""Every subscriber is also woken this often, in case a wake-up was lost in transit."""


class Waker(Protocol):
    """Anything a channel's messages wake: `set()` must never block or fail."""

    slot: int  # which second of the safety-poll cycle wakes it

    def set(self) -> None:
        """Note the wake-up (and act on it later, or at once without waiting)."""

    @property
    def pending(self) -> bool:
        """Whether a wake-up is noted and not yet acted on."""


class Wakeup:
    """A subscriber's pending wake-up: a flag, not a queue.

    Wake-ups carry nothing the database does not hold, so any number of pending ones
    is worth exactly one: a subscriber that stops reading holds one flag, however
    many changes happen, and catches up from the database when it reads again.
    """

    __slots__ = ("_pending", "_waiter", "slot")

    def __init__(self, slot: int = 0) -> None:
        self.slot = slot  # which second of the safety-poll cycle wakes it
        self._pending = False
        self._waiter: asyncio.Future[None] | None = None

    def set(self) -> None:
        """Mark pending and wake the waiter, if any; never blocks."""
        self._pending = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def pending(self) -> bool:
        """Whether a wake-up arrived since the last `wait()` returned."""
        return self._pending

    async def wait(self) -> None:
        """Return once a wake-up is pending (at once if one is), and clear it."""
        if not self._pending:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        self._pending = False


class LocalFanout:
    """This process's subscribers: one wake-up flag each, grouped by channel.

    A sweep wakes a thirtieth of them every second, so each is woken at least every
    `poll_seconds` even if a message was lost, without a timer per subscriber and
    without every idle subscriber reading at the same moment.
    """

    SLOTS = 30

    def __init__(self, poll_seconds: float = SAFETY_POLL_SECONDS) -> None:
        self._wakeups: dict[str, set[Waker]] = defaultdict(set)
        self._poll_seconds = poll_seconds
        self._sweeper: asyncio.Task[None] | None = None
        self._slots = itertools.cycle(range(self.SLOTS))

    def deliver(self, channel: str, message: str) -> None:
        """Wake the channel's subscribers without ever waiting for one."""
        for wakeup in self._wakeups.get(channel, ()):
            wakeup.set()

    def wake_all(self, slot: int | None = None) -> None:
        """Wake every subscriber (or those of one safety-poll slot) to read the database."""
        for wakeups in self._wakeups.values():
            for wakeup in wakeups:
                if slot is None or wakeup.slot == slot:
                    wakeup.set()

    def wakers(self, channel: str) -> frozenset[Waker]:
        """What the channel's messages wake right now."""
        return frozenset(self._wakeups.get(channel, ()))

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions this process holds."""
        return sum(len(wakeups) for wakeups in self._wakeups.values())

    @property
    def pending(self) -> int:
        """Subscribers with a wake-up not yet taken (at most one each)."""
        return sum(wakeup.pending for wakeups in self._wakeups.values() for wakeup in wakeups)

    def next_slot(self) -> int:
        """The safety-poll slot for a new subscriber (they take turns)."""
        return next(self._slots)

    def attach(self, channel: str, waker: Waker) -> None:
        """Wake `waker` on the channel's messages (and the safety poll) until detached."""
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.create_task(self._sweep(), name="broker-safety-poll")
        self._wakeups[channel].add(waker)

    def detach(self, channel: str, waker: Waker) -> None:
        """Stop waking `waker` for the channel; a no-op if it was not attached."""
        wakers = self._wakeups.get(channel)
        if wakers is not None:
            wakers.discard(waker)
            if not wakers:
                del self._wakeups[channel]

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Wakeup]:
        """Register a wake-up for `channel` until the context exits."""
        wakeup = Wakeup(self.next_slot())
        self.attach(channel, wakeup)
        try:
            yield wakeup
        finally:
            self.detach(channel, wakeup)

    async def _sweep(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(self._poll_seconds / self.SLOTS)
            tick = (tick + 1) % self.SLOTS
            self.wake_all(slot=tick)

    def clear(self) -> None:
        """Forget every subscriber and stop the sweep."""
        self._wakeups.clear()
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None


class Broker(Protocol):
    """Wakes subscribers of a channel; messages carry no data that is not in the database."""

    async def start(self) -> None:
        """Connect (or begin trying to); never fails, so the server starts without Redis."""

    async def publish(self, channel: str, message: str) -> None:
        """Announce something new on `channel` (after the transaction committed)."""

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> None:
        """Announce several `(channel, message)` pairs at once (one round trip on Redis)."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Wakeup]:
        """A wake-up set by the channel's messages while the context is open."""

    @property
    def local(self) -> LocalFanout:
        """This process's subscribers (`attach` and `detach` wakers there)."""

    async def close(self) -> None:
        """Stop delivering and release connections."""

    @property
    def healthy(self) -> bool:
        """Whether messages are being delivered right now."""


class InProcessBroker:
    """Pub/sub within one process: the embedded default."""

    def __init__(self) -> None:
        self.local = LocalFanout()

    async def start(self) -> None:
        return None

    async def publish(self, channel: str, message: str) -> None:
        self.local.deliver(channel, message)

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> None:
        for channel, message in messages:
            self.local.deliver(channel, message)

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Wakeup]:
        return self.local.subscribe(channel)

    async def close(self) -> None:
        self.local.clear()

    @property
    def healthy(self) -> bool:
        return True


class RedisBroker:
    """Redis pub/sub shared by every instance, with this process's subscribers behind it.

    Every process subscribes to one Redis channel (`<prefix>wake`) and hands each wake-up
    to its local subscribers, so subscribing locally takes effect at once, with no round trip.
    One Redis message carries every channel woken by the same message: a change notifying
    5,000 users is one PUBLISH, not 5,000.
    The listener reconnects with jittered exponential backoff; after every (re)connect
    it wakes all local subscribers, who then read whatever they missed from the database.
    """

    def __init__(self, url: str, *, prefix: str = "shared-deals:"):
        self.local = LocalFanout()
        self._wake = f"{prefix}wake"
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
        channels_of: dict[str, list[str]] = defaultdict(list)
        for channel, message in messages:
            channels_of[message].append(channel)
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for message, channels in channels_of.items():
                    pipe.publish(
                        self._wake, orjson.dumps({"message": message, "channels": channels})
                    )
                await pipe.execute()
        except (RedisError, OSError) as error:
            # The change is committed; subscribers elsewhere catch up when Redis is back.
            logger.warning("redis publish of %d messages failed: %s", len(messages), error)
            for channel, message in messages:
                self.local.deliver(channel, message)

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Wakeup]:
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
            await pubsub.subscribe(self._wake)
            # Wait for the confirmation: only then are later publishes sure to arrive.
            async with asyncio.timeout(5):
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message["type"] == "subscribe":
                        return pubsub
        except TimeoutError:
            await pubsub.aclose()
            raise RedisTimeoutError("no confirmation of the subscription") from None
        except BaseException:
            await pubsub.aclose()
            raise

    async def _on_failure(self, error: Exception) -> None:
        self._connected = False
        self._started.set()  # starting up without Redis is allowed: keep serving
        logger.warning("redis broker unavailable, retrying: %s", error)

    async def _pump(self, pubsub: PubSub) -> None:
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
            if message is None:
                await pubsub.ping()  # notice a silently dead connection
                continue
            if message["type"] != "message":
                continue
            try:
                wake = orjson.loads(message["data"])
                text, channels = str(wake["message"]), list(wake["channels"])
            except (orjson.JSONDecodeError, KeyError, TypeError) as error:
                logger.warning("ignored a malformed wake-up: %s", error)
                continue
            for channel in channels:
                self.local.deliver(str(channel), text)


def broker_for(redis_url: str | None, *, prefix: str = "shared-deals:") -> Broker:
    """Redis when a URL is configured, else in-process (call `start()` before use)."""
    if redis_url:
        return RedisBroker(redis_url, prefix=prefix)
    return InProcessBroker()
