"""Subscriptions run in-process on each broker: in-process, and Redis when TEST_REDIS_URL is set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager, suppress
from typing import Any

import pytest
from sqlmodel import select

from db.config import Settings
from db.engine import Database
from db.models import ActivityKind, Deal, DealTeamMember
from db.ops.activity import lock_deal, record_activity
from db.queries.feeds import last_notification_seq
from graph.auth import viewer_for
from graph.broker import Broker
from graph.context import Context
from graph.notifications.types import notification_cursor
from graph.publish import publish_recorded
from graph.schema import schema
from tests.factories import Person


class Live:
    """One running subscription, consumed in the background as the WebSocket transport does."""

    def __init__(self, stream: AsyncIterator[Any]) -> None:
        self.received: asyncio.Queue[Any] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump(stream))

    async def _pump(self, stream: AsyncIterator[Any]) -> None:
        async for result in stream:
            await self.received.put(result)

    async def next(self) -> dict[str, Any]:
        """The next event's data; fails on errors, and after 10 s without an event."""
        result = await asyncio.wait_for(self.received.get(), 10)
        assert not result.errors, result.errors
        return result.data

    async def error(self) -> dict[str, Any]:
        """The first error the subscription reports."""
        result = await asyncio.wait_for(self.received.get(), 10)
        assert result.errors
        return result.errors[0].formatted

    async def stop(self) -> None:
        """Stop consuming (the subscription ends with the stream)."""
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task


@pytest.fixture
def subscribe(database: Database, broker: Broker) -> Any:
    """Start a subscription as `person`; use as `async with subscribe(...) as live`."""

    @asynccontextmanager
    async def run(
        person: Person, query: str, variables: dict[str, Any] | None = None
    ) -> AsyncIterator[Live]:
        viewer = await viewer_for(database, f"Bearer {person.token}")
        assert viewer is not None
        context = Context(database=database, settings=Settings(), broker=broker, viewer=viewer)
        stream = await schema.subscribe(query, variable_values=variables, context_value=context)
        if not hasattr(stream, "__anext__"):  # refused before it started
            stream = _single(stream)
        async with aclosing(stream):
            live = Live(stream)
            try:
                yield live
            finally:
                await live.stop()

    return run


async def _single(result: Any) -> AsyncIterator[Any]:
    yield result


@pytest.fixture
def cursor_of(database: Database) -> Any:
    """The cursor of the newest notification `person` has (what a client last saw)."""

    async def run(person: Person) -> str:
        async with database.session() as session:
            seq = await last_notification_seq(session=session, user_id=person.id)
        return notification_cursor(seq)

    return run


@pytest.fixture
def change(database: Database, broker: Broker) -> Any:
    """Commit one activity on a deal by `actor`, then wake subscribers, as mutations do."""

    async def run(
        deal: Deal, actor: Person, kind: ActivityKind = ActivityKind.CLOSE_DATE_CHANGED
    ) -> int:
        assert deal.id is not None
        async with database.transaction() as session:
            locked = await lock_deal(session=session, deal_id=deal.id)
            assert locked is not None
            recorded = await record_activity(
                session=session,
                deal=locked,
                kind=kind,
                actor=actor.user,
                account_id=actor.user.account_id,
                details={},
            )
        await publish_recorded(broker, [recorded])
        assert recorded.activity.id is not None
        return recorded.activity.id

    return run


@pytest.fixture
def remove_member(database: Database) -> Any:
    """Take a person off a deal's team (as the team mutation would)."""

    async def run(deal: Deal, person: Person) -> None:
        async with database.transaction() as session:
            member = (
                await session.exec(
                    select(DealTeamMember).where(
                        DealTeamMember.deal_id == deal.id, DealTeamMember.user_id == person.id
                    )
                )
            ).one()
            await session.delete(member)

    return run
