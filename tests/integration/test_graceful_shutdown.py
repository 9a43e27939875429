"""SIGTERM: subscriptions are closed with 1012 (service restart); in-flight mutations finish."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest
from sqlalchemy import text

from db.ops.activity import lock_deal
from graph.notifications.types import notification_cursor
from graph.relay import to_global_id
from tests.integration.client import GraphQLSocket, post
from tests.integration.operations import NOTIFICATIONS, TEAM_UPDATE

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


async def _wait_for_a_lock_waiter(database) -> None:
    """Until some session of this database waits on a row lock (the blocked mutation)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with database.session() as session:
            waiting = await session.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            if waiting.scalar_one():
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the mutation never reached the lock")


async def test_sigterm_closes_subscriptions_and_lets_the_inflight_mutation_finish(
    start_server, database, team
):
    # given: a subscriber, and a mutation held mid-transaction by a lock on its deal
    server = start_server()
    socket = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    await socket.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(0)})
    variables = {
        "input": {"dealId": to_global_id("Deal", team.deal.id), "add": [team.newcomers[0].gid]}
    }
    async with database.transaction() as session:
        await lock_deal(session=session, deal_id=team.deal.id)
        mutation = asyncio.create_task(post(server.url, team.actor.token, TEAM_UPDATE, variables))
        await _wait_for_a_lock_waiter(database)
        # when: the server is asked to stop
        server.terminate()
        code, _ = await socket.close_code()
    # (the lock is released here, so the mutation can complete)
    body = await asyncio.wait_for(mutation, 30)
    exit_code = await asyncio.to_thread(server.process.wait, 30)

    # then: the subscription was closed as a restart, the mutation committed, the exit was clean
    assert code in (1001, 1012)
    members = body["data"]["dealTeamUpdate"]["team"]["members"]
    assert {"user": {"name": "Newcomer 0"}} in members
    # uvicorn re-raises the SIGTERM it handled once shutdown is complete
    assert exit_code in (0, -signal.SIGTERM)
