"""The graphql-transport-ws protocol as the WebSocket app speaks it: handshake, close codes,
operations over the socket, and what the client sees when something goes wrong."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from db.models import AccountKind, ApiToken
from db.tokens import revoke_token
from graph.notifications.types import notification_cursor
from graph.publish import publish_tokens_revoked
from graph.subscriptions.feeds import NotificationFeed
from graph.subscriptions.reader import NotificationFeedLoader
from graph.websocket import connection as websocket_connection
from graph.websocket.connection import MAX_SUBSCRIPTIONS, REVOKED
from tests.graph.subscriptions.client import TransportClient

NOTIFICATIONS = """
subscription ($after: String) { notificationReceived(after: $after) { cursor activity { kind } } }
"""
VIEWER = "query { viewer { user { name } } }"


async def _team(factory):
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    actor = await factory.person(partner, name="Actor")
    colleague = await factory.person(partner, name="Colleague")
    deal = await factory.deal(partner, vendor, name="Acme", team=[actor, colleague])
    return deal, actor, colleague


async def _quiet(live, seconds: float = 0.3) -> bool:
    """Whether no message arrives for the operation within `seconds`."""
    await asyncio.sleep(seconds)
    return live.received() == 0


# --- the handshake and close codes -------------------------------------------------------


async def test_ping_is_answered_with_pong_before_and_after_init(factory, transport):
    _, _, colleague = await _team(factory)
    client = await TransportClient.open(transport)
    await client.send({"type": "ping"})
    assert await client.protocol_message() == {"type": "pong"}
    await client.send(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {colleague.token}"}}
    )
    assert await client.protocol_message() == {"type": "connection_ack"}
    await client.send({"type": "ping", "payload": {"x": 1}})
    assert await client.protocol_message() == {"type": "pong"}
    await client.close()


async def test_only_graphql_transport_ws_is_spoken(transport):
    client = await TransportClient.open(transport, subprotocols=("graphql-ws",))
    assert client.accepted.result() is None
    assert (await client.close_code())[0] == 4406


async def test_subscribe_before_connection_init_closes_with_4401(transport):
    client = await TransportClient.open(transport)
    await client.subscribe("1", NOTIFICATIONS)
    assert await client.close_code() == (4401, "Unauthorized")


async def test_a_second_connection_init_closes_with_4429(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    await client.send({"type": "connection_init", "payload": {}})
    assert await client.close_code() == (4429, "Too many initialisation requests")


async def test_no_connection_init_in_time_closes_with_4408(transport, monkeypatch):
    monkeypatch.setattr(websocket_connection, "INIT_TIMEOUT_SECONDS", 0.2)
    client = await TransportClient.open(transport)
    await client.send({"type": "ping"})  # anything but connection_init does not count
    assert await client.close_code() == (4408, "Connection initialisation timeout")


async def test_a_bad_token_closes_with_4403(transport):
    client = await TransportClient.open(transport)
    await client.send({"type": "connection_init", "payload": {"authorization": "Bearer sdk_x"}})
    assert await client.close_code() == (4403, "Forbidden")


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json", "WebSocket message must be valid JSON"),
        (b"\x00binary", "WebSocket message type must be text"),
        ('{"no": "type"}', "Failed to parse message"),
        ('["a list"]', "Failed to parse message"),
        ('{"type": "launch"}', "Unknown message type: launch"),
        ('{"type": "connection_init", "payload": "x"}', "Invalid connection init payload"),
    ],
)
async def test_a_malformed_message_closes_with_4400(transport, message, reason):
    client = await TransportClient.open(transport)
    await client.send(message)
    assert await client.close_code() == (4400, reason)


async def test_a_subscribe_without_id_or_payload_closes_with_4400(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    await client.send({"type": "subscribe", "payload": {"query": VIEWER}})
    assert (await client.close_code())[0] == 4400


async def test_a_second_operation_with_a_running_id_closes_with_4409(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    await client.subscribe("n", NOTIFICATIONS)
    await client.subscribe("n", NOTIFICATIONS)
    assert await client.close_code() == (4409, "Subscriber for n already exists")


# --- operations --------------------------------------------------------------------------


async def test_complete_stops_the_subscription_and_frees_its_id(factory, connect, change):
    deal, actor, colleague = await _team(factory)
    client = await connect(colleague)
    live = await client.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(0)})
    await change(deal, actor)
    assert (await live.next())["notificationReceived"]["activity"]["kind"]
    # when: the client completes it, then a change happens
    await live.stop()
    await asyncio.sleep(0.05)
    await change(deal, actor)
    # then: nothing more arrives for it, and the id can start a new operation
    assert await _quiet(live)
    again = await client.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(1)})
    assert (await again.next())["notificationReceived"]["cursor"] == notification_cursor(2)


async def test_a_query_over_the_socket_answers_next_then_complete(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    live = await client.subscribe("q", VIEWER)
    assert await live.next() == {"viewer": {"user": {"name": "Colleague"}}}
    assert await live.message() == {"id": "q", "type": "complete"}


async def test_an_invalid_document_is_an_error_message_and_frees_the_id(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    live = await client.subscribe("x", "subscription { notificationReceived { nope } }")
    error = await live.message()
    assert error["type"] == "error"
    assert error["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    retry = await client.subscribe("x", VIEWER)
    assert (await retry.next())["viewer"]["user"]["name"] == "Colleague"


async def test_variables_that_do_not_coerce_are_an_error_message(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    live = await client.subscribe("v", NOTIFICATIONS, {"after": 7})
    error = await live.message()
    assert error["type"] == "error"
    assert "$after" in error["payload"][0]["message"]


async def test_the_subscription_cap_refuses_one_more_with_a_code(factory, connect):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    for n in range(MAX_SUBSCRIPTIONS):
        await client.subscribe(str(n), NOTIFICATIONS)
    refused = await client.subscribe("over", NOTIFICATIONS)
    error = await refused.error()
    assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


# --- failures ----------------------------------------------------------------------------


async def test_an_unexpected_error_ends_the_operation_with_a_masked_error(
    factory, connect, change, monkeypatch
):
    deal, actor, colleague = await _team(factory)
    client = await connect(colleague)
    live = await client.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(0)})

    def broken(self, row):
        raise RuntimeError("SELECT secret FROM internals")

    monkeypatch.setattr(NotificationFeed, "source", broken)
    await change(deal, actor)
    error = await live.error()
    assert error["message"].startswith("Internal server error")
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["requestId"]
    assert "secret" not in str(error)


async def test_a_failed_read_loses_nothing_the_next_wakeup_reads_it(
    factory, connect, change, monkeypatch
):
    deal, actor, colleague = await _team(factory)
    client = await connect(colleague)
    live = await client.subscribe("n", NOTIFICATIONS, {"after": notification_cursor(0)})
    await asyncio.sleep(0.05)
    original = NotificationFeedLoader.batch_load_fn
    failures = []

    async def once_unreachable(self, keys):
        if not failures:
            failures.append(keys)
            raise OperationalError("SELECT", {}, ConnectionError("database restarting"))
        return await original(self, keys)

    monkeypatch.setattr(NotificationFeedLoader, "batch_load_fn", once_unreachable)
    # when: the read after the first change fails, and a second change follows
    await change(deal, actor)
    await asyncio.sleep(0.1)
    await change(deal, actor)
    # then: both arrive, in order, once
    cursors = [(await live.next())["notificationReceived"]["cursor"] for _ in range(2)]
    assert failures
    assert cursors == [notification_cursor(1), notification_cursor(2)]
    assert await _quiet(live)


async def test_a_client_gone_mid_reply_ends_the_connection_quietly(factory, connect, caplog):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    client.vanish()
    await client.send({"type": "ping"})  # the pong cannot be sent
    await asyncio.wait_for(asyncio.shield(client.task), 5)  # the connection ended
    assert client.task.exception() is None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_revoking_the_token_closes_the_socket_with_4403(factory, connect, database, broker):
    _, _, colleague = await _team(factory)
    client = await connect(colleague)
    await client.subscribe("n", NOTIFICATIONS)
    async with database.transaction() as session:
        token_id = (
            await session.exec(select(ApiToken.id).where(ApiToken.user_id == colleague.id))
        ).one()
        assert token_id is not None
        assert await revoke_token(session=session, token_id=token_id)
    await publish_tokens_revoked(broker, [token_id])
    assert await client.close_code() == REVOKED
