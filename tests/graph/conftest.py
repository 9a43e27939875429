"""Brokers for tests: in-process always, Redis too when TEST_REDIS_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from graph.broker import Broker, InProcessBroker, RedisBroker
from tests.conftest import _unavailable

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(params=["in-process", "redis"])
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    """A started broker of each kind; Redis channels get a prefix of their own."""
    if request.param == "in-process":
        yield InProcessBroker()
        return
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    try:
        async with Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1) as probe:
            await probe.ping()
    except OSError as error:
        _unavailable(f"Redis at TEST_REDIS_URL: {error}")
    redis_broker = RedisBroker(TEST_REDIS_URL, prefix=f"test-{uuid.uuid4().hex}:")
    await redis_broker.start()
    assert redis_broker.healthy
    yield redis_broker
    await redis_broker.close()
