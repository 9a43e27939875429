"""Subscriptions over the WebSocket app, in-process, on each broker (in-process, and Redis
when TEST_REDIS_URL is set) and each database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlmodel import select

from db.config import Settings
from db.engine import Database
from db.models import ActivityKind, Deal, DealTeamMember
from db.ops.activity import lock_deal, record_activity
from db.queries.feeds import last_notification_seq
from graph.broker import Broker
from graph.http import GraphQLHTTP
from graph.notifications.types import notification_cursor
from graph.publish import publish_recorded
from graph.schema import schema
from graph.state import AppState
from graph.websocket.service import TransportWS
from tests.factories import Person
from tests.graph.subscriptions.client import Live, TransportClient


@pytest.fixture
def transport(database: Database, broker: Broker) -> TransportWS:
    """The WebSocket app on the test's database and broker (as `create_app` builds it)."""
    state = AppState(settings=Settings(), database=database, broker=broker, schema=schema)
    return TransportWS(state, GraphQLHTTP(state))


@pytest.fixture
async def connect(transport: TransportWS) -> AsyncIterator[Any]:
    """Open authenticated sockets to the app; all are closed at the end of the test."""
    clients: list[TransportClient] = []

    async def run(person: Person) -> TransportClient:
        client = await TransportClient.connect(transport, person.token)
        clients.append(client)
        return client

    yield run
    for client in clients:
        await client.close()


@pytest.fixture
def subscribe(connect: Any) -> Any:
    """Subscribe as `person` on a socket of its own: `async with subscribe(...) as live`."""

    @asynccontextmanager
    async def run(
        person: Person, query: str, variables: dict[str, Any] | None = None
    ) -> AsyncIterator[Live]:
        client = await connect(person)
        try:
            yield await client.subscribe("1", query, variables)
        finally:
            await client.close()

    return run


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
