"""A subscriber that stops reading costs bounded memory, slows nobody, and later catches up."""

from __future__ import annotations

import asyncio

from db.config import Settings
from db.models import AccountKind
from graph.auth import viewer_for
from graph.context import Context
from graph.notifications.types import notification_cursor
from graph.relay import to_global_id
from graph.schema import schema

NOTIFICATIONS = """
subscription ($after: String) { notificationReceived(after: $after) { activity { id } } }
"""
BURST = 40


async def test_stalled_subscriber_is_bounded_and_catches_up_in_order(
    factory, database, broker, subscribe, change
):
    # given: two colleagues subscribed; one reads, the other stops after its first event
    partner = await factory.org(AccountKind.PARTNER)
    actor = await factory.person(partner)
    reader = await factory.person(partner)
    stalled = await factory.person(partner)
    deal = await factory.deal(
        partner, await factory.org(AccountKind.VENDOR), team=[actor, reader, stalled]
    )
    viewer = await viewer_for(database, f"Bearer {stalled.token}")
    context = Context(database=database, settings=Settings(), broker=broker, viewer=viewer)
    stream = await schema.subscribe(
        NOTIFICATIONS, variable_values={"after": notification_cursor(0)}, context_value=context
    )
    first = await change(deal, actor)
    async with subscribe(reader, NOTIFICATIONS, {"after": notification_cursor(0)}) as live:
        assert (await asyncio.wait_for(anext(stream), 10)).data["notificationReceived"]["activity"][
            "id"
        ] == to_global_id("Activity", first)
        assert (await live.next())["notificationReceived"]["activity"]["id"] == to_global_id(
            "Activity", first
        )
        # when: a burst of changes while the stalled one does not read
        burst = [await change(deal, actor) for _ in range(BURST)]
        read = [(await live.next())["notificationReceived"]["activity"]["id"] for _ in burst]
        # then: the reader got them all; the stalled one holds a single pending wake-up
        assert read == [to_global_id("Activity", pk) for pk in burst]
        assert broker.local.pending <= 2  # at most one flag per subscriber
    # and: once it reads again, it gets every one it missed, in order, exactly once
    caught_up = []
    for _ in burst:
        result = await asyncio.wait_for(anext(stream), 10)
        caught_up.append(result.data["notificationReceived"]["activity"]["id"])
    last = await change(deal, actor)
    after = (await asyncio.wait_for(anext(stream), 10)).data["notificationReceived"]
    await stream.aclose()
    assert caught_up == [to_global_id("Activity", pk) for pk in burst]
    assert after["activity"]["id"] == to_global_id("Activity", last)
