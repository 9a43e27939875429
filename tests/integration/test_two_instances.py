"""Two server processes on PostgreSQL + Redis: cross-instance delivery survives a Redis restart."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from graph.notifications.types import notification_cursor
from graph.relay import decode_cursor, to_global_id
from tests.integration.client import GraphQLSocket, post
from tests.integration.operations import NOTIFICATIONS, TEAM_UPDATE

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


async def _change(server, team, *, add=(), remove=()) -> None:
    variables = {
        "input": {
            "dealId": to_global_id("Deal", team.deal.id),
            "add": [person.gid for person in add],
            "remove": [person.gid for person in remove],
        }
    }
    body = await post(server.url, team.actor.token, TEAM_UPDATE, variables)
    assert body["data"]["dealTeamUpdate"]["userErrors"] == []


async def _broker_state(servers, state: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(server.readyz()["broker"] == state for server in servers):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"brokers did not become {state}")


def _seq(event: dict[str, Any]) -> int:
    return int(decode_cursor(event["notificationReceived"]["cursor"], "cursor")[0])


def _who(event: dict[str, Any]) -> str:
    activity = event["notificationReceived"]["activity"]
    return f"{activity['kind']} {activity['details']['user_name']}"


async def test_change_on_one_instance_reaches_a_subscriber_on_the_other_across_redis_restart(
    start_server, redis_server, team
):
    # given: two instances sharing the database and Redis; the colleague is on the second
    first = start_server(redis_server.url)
    second = start_server(redis_server.url)
    await _broker_state([first, second], "ok")
    socket = await GraphQLSocket.connect(second.ws_url, team.colleague.token)
    await socket.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(0)})
    one, two, three, four, five = team.newcomers

    # when: a change is made on the first instance
    await _change(first, team, add=[one])
    # then: the subscriber on the second receives it
    received = [await socket.next("n")]

    # when: Redis goes away, changes keep being made, and Redis comes back
    redis_server.stop()
    await _broker_state([first, second], "unreachable")
    for newcomer in (two, three, four):
        await _change(first, team, add=[newcomer])
    redis_server.start()
    await _broker_state([first, second], "ok")
    await _change(first, team, add=[five])
    received += [await socket.next("n") for _ in range(4)]
    # and a last change proves nothing was queued twice before it
    await _change(first, team, remove=[one])
    received.append(await socket.next("n"))
    await socket.close()

    # then: every notification exactly once, in order, the connection never dropped
    assert [_seq(event) for event in received] == [1, 2, 3, 4, 5, 6]
    assert [_who(event) for event in received] == [
        "TEAM_MEMBER_ADDED Newcomer 0",
        "TEAM_MEMBER_ADDED Newcomer 1",
        "TEAM_MEMBER_ADDED Newcomer 2",
        "TEAM_MEMBER_ADDED Newcomer 3",
        "TEAM_MEMBER_ADDED Newcomer 4",
        "TEAM_MEMBER_REMOVED Newcomer 0",
    ]
