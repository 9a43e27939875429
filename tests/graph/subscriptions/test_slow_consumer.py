"""A client that stops reading costs bounded memory, slows nobody, and later catches up."""

from __future__ import annotations

import asyncio

from db.models import AccountKind
from graph.notifications.types import notification_cursor
from graph.publish import user_channel
from graph.relay import to_global_id
from graph.subscriptions.dispatcher import Follower, State
from graph.websocket.outlet import QUEUED_FRAMES

NOTIFICATIONS = """
subscription ($after: String) { notificationReceived(after: $after) { activity { id } } }
"""
BURST = QUEUED_FRAMES + 36
"""More changes than a socket's outlet holds, so the stalled one must refuse some."""


def _ids(pks: list[int]) -> list[str]:
    return [to_global_id("Activity", pk) for pk in pks]


async def _activity_id(live) -> str:
    return (await live.next())["notificationReceived"]["activity"]["id"]


async def test_stalled_subscriber_is_bounded_and_catches_up_in_order(
    factory, connect, broker, change
):
    # given: two colleagues subscribed on their own sockets, both up to date
    partner = await factory.org(AccountKind.PARTNER)
    actor = await factory.person(partner)
    reader = await factory.person(partner)
    stalled = await factory.person(partner)
    deal = await factory.deal(
        partner, await factory.org(AccountKind.VENDOR), team=[actor, reader, stalled]
    )
    start = {"after": notification_cursor(0)}
    reading = await (await connect(reader)).subscribe("n", NOTIFICATIONS, start)
    slow_client = await connect(stalled)
    slow = await slow_client.subscribe("n", NOTIFICATIONS, start)
    first = await change(deal, actor)
    assert await _activity_id(reading) == await _activity_id(slow) == _ids([first])[0]

    # when: one client stops reading during a burst of changes
    slow_client.pause()
    burst = [await change(deal, actor) for _ in range(BURST)]
    read = [await _activity_id(reading) for _ in burst]

    # then: the reader got every one, in order, without waiting for the other
    assert read == _ids(burst)
    # and: the stalled socket holds at most its outlet's frames and waits for a drain,
    # with no wake-ups piling up
    (follower,) = broker.local.wakers(user_channel(stalled.id))
    assert isinstance(follower, Follower)
    assert follower.state is State.STALLED
    assert follower.connection.outlet.waiting <= QUEUED_FRAMES
    assert broker.local.pending <= 1

    # and: once it reads again, it gets every one it missed, in order, exactly once
    slow_client.resume()
    caught_up = [await _activity_id(slow) for _ in burst]
    last = await change(deal, actor)
    assert await _activity_id(slow) == _ids([last])[0]
    await asyncio.sleep(0.2)
    assert slow.received() == 0  # nothing twice
    assert caught_up == _ids(burst)
