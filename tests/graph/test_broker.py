"""Brokers wake the subscribers of a channel, boundedly, on every backend."""

from __future__ import annotations

import asyncio

from graph.broker import LocalFanout, RedisBroker, Wakeup


async def _woken(wakeup: Wakeup) -> bool:
    """Whether the wake-up fires within 10 s (and it is taken)."""
    try:
        await asyncio.wait_for(wakeup.wait(), 10)
    except TimeoutError:
        return False
    return True


async def test_publish_wakes_every_subscriber_of_the_channel(broker):
    async with broker.subscribe("user:1") as one, broker.subscribe("user:1") as two:
        await broker.publish("user:1", "42")
        assert [await _woken(one), await _woken(two)] == [True, True]


async def test_other_channels_are_not_woken(broker):
    async with broker.subscribe("user:1") as mine, broker.subscribe("user:2") as theirs:
        await broker.publish("user:2", "7")
        assert await _woken(theirs)
        assert not mine.pending
        await broker.publish("user:1", "8")
        assert await _woken(mine)
        assert not theirs.pending


async def test_one_message_wakes_every_channel_it_names(broker):
    # given: subscribers of three users, as a change notifying a whole team wakes them
    async with (
        broker.subscribe("user:1") as one,
        broker.subscribe("user:2") as two,
        broker.subscribe("user:3") as bystander,
    ):
        await broker.publish_many([("user:1", "9"), ("user:2", "9")])
        assert [await _woken(one), await _woken(two)] == [True, True]
        assert not bystander.pending


async def test_a_subscriber_that_never_reads_holds_one_pending_wake_up(broker):
    # given: one subscriber that never reads and one that does
    async with broker.subscribe("deal:1") as stalled, broker.subscribe("deal:1") as reader:
        # when: many messages
        for n in range(100):
            await broker.publish("deal:1", str(n))
            assert await _woken(reader)
        # then: the stalled one holds a single flag, however many messages there were
        assert stalled.pending
        assert broker.local.pending == 1
        assert await _woken(stalled)
        assert broker.local.pending == 0


async def test_leaving_a_channel_stops_delivery_and_forgets_the_subscriber(broker):
    async with broker.subscribe("user:3"):
        assert broker.local.subscriber_count == 1
    await broker.publish("user:3", "1")
    assert broker.local.subscriber_count == 0
    assert broker.local.pending == 0


async def test_every_subscriber_is_woken_by_the_safety_poll_without_a_message():
    # given: a fast safety poll, and subscribers nobody publishes to
    fanout = LocalFanout(poll_seconds=0.6)
    try:
        async with fanout.subscribe("user:1") as one, fanout.subscribe("user:2") as two:
            # then: each is woken within a poll period
            async with asyncio.timeout(2):
                await one.wait()
                await two.wait()
    finally:
        fanout.clear()


async def test_broker_is_healthy_when_running(broker):
    assert broker.healthy


async def test_redis_down_at_startup_keeps_serving_and_delivers_locally():
    # given: a Redis URL where nothing listens (a reserved port on localhost)
    broker = RedisBroker("redis://127.0.0.1:1/0", prefix="nowhere:")
    await broker.start()
    try:
        # then: not healthy, but publishing neither raises nor loses local wake-ups
        assert not broker.healthy
        async with broker.subscribe("user:1") as wakeup:
            await broker.publish("user:1", "5")
            assert await _woken(wakeup)
    finally:
        await broker.close()
