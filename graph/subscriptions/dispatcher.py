"""Delivering every WebSocket subscription of the process from one loop, with no task each.

A change that notifies 5,000 users wakes 5,000 subscriptions in one tick. Each is a
`Follower`: a feed (what it reads), a position (the last row it delivered), a renderer
(how a row becomes a `next` payload) and the connection it writes to. Waking one only
queues it; once per tick the `Dispatcher` reads the rows after every queued follower's
position, a thousand followers per query (all of them concurrently), and as each
query's rows land it renders them and offers the frames to the sockets, in order.

Nothing here waits on a socket. A connection that cannot take a frame now (its write
buffer is full: the client stopped reading) refuses it; the follower stays at the
last position it delivered and is woken again when the buffer drains, so it catches
up from the database, and a stalled client costs one buffer, never the other
subscribers' time. Every step keeps the invariant `follow()` keeps: a follower is
attached to its channel before its start position is read, reads only after its
position, and is never read twice at once, so each row is delivered exactly once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine, Sequence
from contextlib import suppress
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from graphql import ExecutionResult
from sqlalchemy.exc import SQLAlchemyError
from strawberry.execution import optimized_is_awaitable

from db.queries.feeds import FEED_PAGE
from graph.subscriptions.feed import BatchRead, Feed
from graph.subscriptions.plan_steps import PlanRun
from graph.subscriptions.reader import BATCH

if TYPE_CHECKING:
    from graph.broker import Broker

logger = logging.getLogger("graph.subscriptions")


class Connection(Protocol):
    """What a follower needs of the socket it delivers to."""

    def offer_next(self, op_id: str, result: ExecutionResult) -> bool:
        """Write a `next` message now; False if the socket cannot take it now."""

    def stalled(self, follower: Follower) -> None:
        """Wake `follower` again once the socket can take frames."""

    def failed(self, follower: Follower, error: Exception) -> None:
        """End the operation after an error that is not the client's (logged, masked)."""


class State(Enum):
    STARTING = "starting"  # attached, start position not read yet
    IDLE = "idle"  # waiting for a wake-up
    DUE = "due"  # woken, queued for the next read
    BUSY = "busy"  # being read or delivered
    STALLED = "stalled"  # the socket refused a frame; waits for it to drain
    CLOSED = "closed"


class Follower:
    """One running subscription; the broker wakes it (`set`), the dispatcher runs it."""

    __slots__ = (
        "again",
        "connection",
        "dispatcher",
        "feed",
        "op_id",
        "position",
        "renderer",
        "slot",
        "state",
        "task",
    )

    def __init__(
        self,
        dispatcher: Dispatcher,
        connection: Connection,
        op_id: str,
        feed: Feed[Any],
        renderer: PlanRun,
        slot: int,
    ) -> None:
        self.dispatcher = dispatcher
        self.connection = connection
        self.op_id = op_id
        self.feed = feed
        self.renderer = renderer
        self.slot = slot
        self.position = 0
        self.state = State.STARTING
        self.again = False  # woken while starting or busy: read again when done
        self.task: asyncio.Task[None] | None = None  # only while an event renders asynchronously

    def set(self) -> None:
        """A wake-up from the broker (or the safety poll): never blocks."""
        self.dispatcher.wake(self)

    @property
    def pending(self) -> bool:
        """Whether a wake-up is waiting to be acted on."""
        return self.state is State.DUE or self.again


class Dispatcher:
    """Every follower of one event loop: wakes, batched reads, rendering, non-blocking writes."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._due: dict[Follower, None] = {}  # insertion-ordered set
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, follower: Follower) -> None:
        """Attach the follower to its channel, read its start position, then deliver.

        Cancelled (the client completed the operation meanwhile), it is detached again.
        """
        channel = follower.feed.channel
        self.broker.local.attach(channel, follower)
        try:
            follower.position = await follower.feed.start()
        except BaseException:
            self.stop(follower)
            raise
        if follower.state is State.STARTING:
            follower.state = State.IDLE
            follower.again = False
            self.wake(follower)  # replays what followed `after:`, or anything that just came

    def stop(self, follower: Follower) -> None:
        """Detach the follower; nothing more is sent for it."""
        follower.state = State.CLOSED
        self.broker.local.detach(follower.feed.channel, follower)
        self._due.pop(follower, None)
        if follower.task is not None:
            follower.task.cancel()
            follower.task = None

    def wake(self, follower: Follower) -> None:
        """Queue the follower for the next read (or note it, if it is reading now)."""
        state = follower.state
        if state is State.IDLE:
            follower.state = State.DUE
            self._due[follower] = None
            if not self._scheduled:
                self._scheduled = True
                asyncio.get_running_loop().call_soon(self._dispatch)
        elif state is State.BUSY or state is State.STARTING:
            follower.again = True

    def resume(self, follower: Follower) -> None:
        """The follower's socket drained: read again from its last delivered position."""
        if follower.state is State.STALLED:
            follower.state = State.IDLE
            follower.again = False
            self.wake(follower)

    def _dispatch(self) -> None:
        self._scheduled = False
        due, self._due = self._due, {}
        by_reader: dict[BatchRead, list[Follower]] = {}
        for follower in due:
            follower.state = State.BUSY
            by_reader.setdefault(follower.feed.reads, []).append(follower)
        for reads, followers in by_reader.items():
            for start in range(0, len(followers), BATCH):
                self._spawn(self._read(reads, followers[start : start + BATCH]))

    async def _read(self, reads: BatchRead, followers: list[Follower]) -> None:
        """One query for up to `BATCH` followers, then each one's rows delivered in turn."""
        try:
            found = await reads.batch_load_fn(
                [follower.feed.key(follower.position) for follower in followers]
            )
        except (SQLAlchemyError, OSError) as error:
            # Nothing is lost: the next wake-up or the safety poll reads again.
            logger.warning("subscription read failed, retrying at the next wake-up: %s", error)
            for follower in followers:
                if follower.state is State.BUSY:
                    follower.state, follower.again = State.IDLE, False
            return
        except Exception as error:
            for follower in followers:
                self._fail(follower, error)
            return
        for follower, rows in zip(followers, found, strict=True):
            if follower.state is State.BUSY:
                self._deliver(follower, rows)

    def _deliver(self, follower: Follower, rows: Sequence[Any]) -> None:
        """Render and offer the rows in order; hands over to a task if one must await."""
        try:
            for at in range(len(rows)):
                result = follower.renderer.run(follower.feed.source(rows[at]))
                if optimized_is_awaitable(result):
                    self._deliver_later(follower, rows, at, result)  # type: ignore[arg-type]
                    return
                if not self._offer(follower, rows[at], result):  # type: ignore[arg-type]
                    return
        except Exception as error:
            self._fail(follower, error)
            return
        self._settle(follower, len(rows) >= FEED_PAGE)

    def _deliver_later(
        self, follower: Follower, rows: Sequence[Any], at: int, pending: Awaitable[Any]
    ) -> None:
        follower.task = self._spawn(self._finish(follower, rows, at, pending))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _finish(
        self, follower: Follower, rows: Sequence[Any], at: int, pending: Awaitable[Any]
    ) -> None:
        try:
            result = await pending
            if not self._offer(follower, rows[at], result):
                return
            for row in rows[at + 1 :]:
                result = follower.renderer.run(follower.feed.source(row))
                if optimized_is_awaitable(result):
                    result = await result  # type: ignore[misc]
                if not self._offer(follower, row, result):  # type: ignore[arg-type]
                    return
        except asyncio.CancelledError:
            return
        except Exception as error:
            self._fail(follower, error)
            return
        finally:
            follower.task = None
        self._settle(follower, len(rows) >= FEED_PAGE)

    def _offer(self, follower: Follower, row: Any, result: ExecutionResult) -> bool:
        if follower.state is not State.BUSY:
            return False  # completed or closed meanwhile: nothing more is sent
        if not follower.connection.offer_next(follower.op_id, result):
            follower.state = State.STALLED
            follower.connection.stalled(follower)
            return False
        follower.position = follower.feed.position(row)
        return True

    def _settle(self, follower: Follower, full_page: bool) -> None:
        """The follower's read is done: idle again, or read once more at once."""
        if follower.state is not State.BUSY:
            return
        follower.state = State.IDLE
        if full_page or follower.again:
            follower.again = False
            self.wake(follower)

    def _fail(self, follower: Follower, error: Exception) -> None:
        self.stop(follower)
        follower.connection.failed(follower, error)

    async def close(self) -> None:
        """Cancel events still rendering (at shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with suppress(asyncio.CancelledError):
                await task
