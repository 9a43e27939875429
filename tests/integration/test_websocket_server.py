"""One real server (uvicorn) and real WebSocket clients: auth, cap, replay and live delivery."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from db import cli
from db.config import get_settings
from db.models import ApiToken
from graph.notifications.types import notification_cursor
from graph.relay import decode_cursor, to_global_id
from graph.websocket.connection import MAX_SUBSCRIPTIONS, REVOKED
from tests.integration.client import GraphQLSocket, post
from tests.integration.operations import NEWEST_CURSOR, NOTIFICATIONS, TEAM_UPDATE


async def _add(server, team, newcomer) -> None:
    body = await post(
        server.url,
        team.actor.token,
        TEAM_UPDATE,
        {"input": {"dealId": to_global_id("Deal", team.deal.id), "add": [newcomer.gid]}},
    )
    assert body["data"]["dealTeamUpdate"]["userErrors"] == []


async def _newest_cursor(server, person) -> str | None:
    body = await post(server.url, person.token, NEWEST_CURSOR, {})
    edges = body["data"]["viewer"]["notifications"]["edges"]
    return edges[0]["cursor"] if edges else None


def _seq(event: dict[str, Any]) -> int:
    return int(decode_cursor(event["notificationReceived"]["cursor"], "cursor")[0])


async def test_subscriber_receives_a_colleagues_team_change(start_server, team):
    # given: the colleague has seen its newest notification and subscribes from there
    server = start_server()
    await _add(server, team, team.newcomers[0])
    after = await _newest_cursor(server, team.colleague)
    socket = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    await socket.subscribe("n", NOTIFICATIONS, {"after": after})
    # when: the actor adds someone through another connection
    await _add(server, team, team.newcomers[1])
    answered = time.monotonic()
    # then: it arrives within a second of the mutation's response
    event = (await socket.next("n"))["notificationReceived"]
    latency = time.monotonic() - answered
    await socket.close()
    assert event["activity"]["kind"] == "TEAM_MEMBER_ADDED"
    assert event["activity"]["details"]["user_name"] == "Newcomer 1"
    assert event["deal"] == {"name": "Acme"}
    assert latency < 1.0, f"received {latency:.2f} s after the mutation's response"


async def test_reconnecting_with_the_last_cursor_gets_exactly_the_missed_three_then_live(
    start_server, team
):
    # given: a subscriber saw one notification, then disconnected
    server = start_server()
    socket = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    await socket.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(0)})
    await _add(server, team, team.newcomers[0])
    seen = await socket.next("n")
    await socket.close()
    # when: three changes happen while it is away, and it comes back with its last cursor
    for newcomer in team.newcomers[1:4]:
        await _add(server, team, newcomer)
    socket = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    await socket.subscribe("n", NOTIFICATIONS, {"after": seen["notificationReceived"]["cursor"]})
    replayed = [await socket.next("n") for _ in range(3)]
    await _add(server, team, team.newcomers[4])
    live = await socket.next("n")
    await socket.close()
    # then: exactly those three, in order, then the live one
    names = [e["notificationReceived"]["activity"]["details"]["user_name"] for e in replayed]
    assert names == ["Newcomer 1", "Newcomer 2", "Newcomer 3"]
    assert [_seq(e) for e in [seen, *replayed, live]] == [1, 2, 3, 4, 5]
    assert live["notificationReceived"]["activity"]["details"]["user_name"] == "Newcomer 4"


async def test_bad_token_closes_the_socket_with_4403(start_server, team):
    server = start_server()
    socket = await GraphQLSocket.open(server.ws_url, "sdk_not-a-token")
    assert (await socket.close_code())[0] == 4403


async def test_missing_token_closes_the_socket_with_4403(start_server, team):
    server = start_server()
    socket = await GraphQLSocket.open(server.ws_url, None)
    assert (await socket.close_code())[0] == 4403


async def test_legacy_graphql_ws_protocol_is_refused(start_server, team):
    server = start_server()
    async with connect(server.ws_url, subprotocols=[Subprotocol("graphql-ws")]) as connection:
        with pytest.raises(ConnectionClosed) as closed:
            await connection.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


async def test_subscriptions_over_the_cap_are_refused_with_a_code(start_server, team):
    # given: a connection running as many subscriptions as allowed
    server = start_server()
    socket = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    start = {"after": notification_cursor(0)}
    for n in range(MAX_SUBSCRIPTIONS):
        await socket.subscribe(str(n), NOTIFICATIONS, start)
    # when: one more
    await socket.subscribe("one too many", NOTIFICATIONS, start)
    refused = await socket.message("one too many")
    # then: that one is refused; the others keep working
    await _add(server, team, team.newcomers[0])
    first = await socket.next("0")
    last = await socket.next(str(MAX_SUBSCRIPTIONS - 1))
    await socket.close()
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert first == last


EXPENSIVE = """
subscription($after: String) {
  notificationReceived(after: $after) {
    deal { activities(first: 100) { nodes { deal { activities(first: 100) {
      nodes { deal { callSummaries(first: 100) { totalCount } } }
    } } } } }
  }
}
"""


async def test_a_subscription_over_the_cost_limit_is_refused_before_it_runs(start_server, team):
    # given
    server = start_server()
    socket = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    # when
    await socket.subscribe("costly", EXPENSIVE, {"after": notification_cursor(0)})
    refused = await socket.message("costly")
    await socket.close()
    # then: the same limit and code as over HTTP
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def _revoke_with_the_cli(database_url: str, redis_url: str, token_id: int) -> None:
    """`python -m db.cli token-revoke --id N`, as an operator runs it next to the servers."""
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli.app,
            ["token-revoke", "--id", str(token_id)],
            env={"DATABASE_URL": database_url, "REDIS_URL": redis_url, "APP_ENV": "development"},
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output


async def test_revoking_a_token_closes_its_open_socket_and_no_other(
    start_server, redis_server, team, database, database_url, tmp_path
):
    # given: the colleague subscribed (and receiving), and a teammate subscribed too
    server = start_server(redis_server.url)
    revoked = await GraphQLSocket.connect(server.ws_url, team.colleague.token)
    await revoked.subscribe(
        "n", NOTIFICATIONS, {"after": await _newest_cursor(server, team.colleague)}
    )
    teammate = team.newcomers[0]
    await _add(server, team, teammate)
    assert (await revoked.next("n"))["notificationReceived"]["activity"][
        "kind"
    ] == "TEAM_MEMBER_ADDED"
    stays = await GraphQLSocket.connect(server.ws_url, teammate.token)
    await stays.subscribe("n", NOTIFICATIONS, {"after": await _newest_cursor(server, teammate)})
    async with database.session() as session:
        found = await session.exec(select(ApiToken.id).where(ApiToken.user_id == team.colleague.id))
        token_id = found.one()
    assert token_id is not None

    # when: an operator revokes the colleague's token (the CLI wakes the server through Redis)
    await asyncio.to_thread(_revoke_with_the_cli, database_url, redis_server.url, token_id)

    # then: that socket is closed with 4403 at once, well before the safety poll
    closed = await revoked.close_code(seconds=3)
    assert closed == REVOKED
    # and: the teammate's socket stays open and still receives
    await _add(server, team, team.newcomers[1])
    event = (await stays.next("n"))["notificationReceived"]
    assert not stays.closed.done()
    await stays.close()
    assert event["activity"]["details"]["user_name"] == "Newcomer 1"
    # and: the server logged no failed operation around the close
    assert "Exception in worker task" not in (tmp_path / "server-0.log").read_text()
