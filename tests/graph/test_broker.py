"""Brokers wake the subscribers of a channel, boundedly, on every backend."""

from __future__ import annotations

import asyncio

from graph.broker import QUEUE_SIZE, RedisBroker


async def _next(queue: asyncio.Queue[str]) -> str:
    return await asyncio.wait_for(queue.get(), 10)


async def test_publish_wakes_every_subscriber_of_the_channel(broker):
    async with broker.subscribe("user:1") as one, broker.subscribe("user:1") as two:
        await broker.publish("user:1", "42")
        assert [await _next(one), await _next(two)] == ["42", "42"]


async def test_other_channels_are_not_woken(broker):
    async with broker.subscribe("user:1") as mine, broker.subscribe("user:2") as theirs:
        await broker.publish("user:2", "7")
        await broker.publish("user:1", "8")
        # then: user:1 sees only its own message, user:2 only its own
        assert await _next(mine) == "8"
        assert await _next(theirs) == "7"
        assert mine.empty()


async def test_a_subscriber_that_never_reads_holds_a_bounded_number_of_wake_ups(broker):
    # given: one subscriber that never reads and one that does
    async with broker.subscribe("deal:1") as stalled, broker.subscribe("deal:1") as reader:
        # when: far more messages than the buffer holds
        for n in range(QUEUE_SIZE * 10):
            await broker.publish("deal:1", str(n))
            assert await _next(reader) == str(n)
        # then: the stalled one keeps at most QUEUE_SIZE; the reader got every one in order
        assert stalled.qsize() == QUEUE_SIZE
        assert broker.local.queued == QUEUE_SIZE


async def test_leaving_a_channel_stops_delivery_and_forgets_the_queue(broker):
    async with broker.subscribe("user:3"):
        assert broker.local.subscriber_count == 1
    await broker.publish("user:3", "1")
    assert broker.local.subscriber_count == 0
    assert broker.local.queued == 0


async def test_broker_is_healthy_when_running(broker):
    assert broker.healthy


async def test_redis_down_at_startup_keeps_serving_and_delivers_locally():
    # given: a Redis URL where nothing listens (a reserved port on localhost)
    broker = RedisBroker("redis://127.0.0.1:1/0", prefix="nowhere:")
    await broker.start()
    try:
        # then: not healthy, but publishing neither raises nor loses local wake-ups
        assert not broker.healthy
        async with broker.subscribe("user:1") as queue:
            await broker.publish("user:1", "5")
            assert await _next(queue) == "5"
    finally:
        await broker.close()
