"""Cost-based rate limiting per token: a leaky bucket, in memory or shared through Redis."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from graph.ratelimit import MemoryRateLimiter, RedisRateLimiter
from tests.graph.http.conftest import auth

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# deals 1 + 10 × vendorAccount 1: requested 11, actual 2 with the viewer's one deal
QUERY = "{ deals(first: 10) { nodes { vendorAccount { name } } } }"


@pytest.fixture(params=["memory", "redis"])
def limiter_settings(request: pytest.FixtureRequest) -> dict[str, object]:
    """Settings for a small bucket (30 points, 1 point/s) on each backend."""
    settings: dict[str, object] = {"rate_limit_maximum": 30, "rate_limit_restore_rate": 1}
    if request.param == "redis":
        if not TEST_REDIS_URL:
            if REQUIRE_SERVICES:
                pytest.fail("TEST_REDIS_URL is required")
            pytest.skip("TEST_REDIS_URL is not set")
        settings |= {"redis_url": TEST_REDIS_URL, "rate_limit_key_prefix": uuid.uuid4().hex}
    return settings


async def _query(client, token, query=QUERY):
    response = await client.post("/graphql", json={"query": query}, headers=auth(token))
    return response, response.json()


async def test_every_response_reports_the_throttle_status(app_with, viewer_token, limiter_settings):
    async with app_with(**limiter_settings) as client:
        _, body = await _query(client, viewer_token)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 11
    assert cost["actualQueryCost"] == 2
    # the unused 9 points came back: 30 - 11 + 9
    assert cost["throttleStatus"] == {
        "maximumAvailable": 30,
        "currentlyAvailable": 28,
        "restoreRate": 1,
    }


async def test_a_client_over_its_rate_is_throttled_with_429(
    app_with, viewer_token, limiter_settings, statements
):
    # given a bucket of 30 and queries of requested cost 11, actual 2
    async with app_with(**limiter_settings) as client:
        for _ in range(2):
            assert (await _query(client, viewer_token))[0].status_code == 200
        # when a query asks for more than is left
        expensive = "{ deals(first: 29) { nodes { vendorAccount { name } } } }"
        statements.clear()
        response, body = await _query(client, viewer_token, expensive)
    # then
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 30
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 30
    assert "data" not in body
    assert all("deal" not in statement for statement in statements)


async def test_each_token_has_its_own_bucket(app_with, factory, limiter_settings):
    org = await factory.org()
    first, second = await factory.person(org), await factory.person(org)
    expensive = "{ deals(first: 29) { nodes { vendorAccount { name } } } }"
    async with app_with(**limiter_settings) as client:
        await _query(client, first.token, expensive)
        throttled, _ = await _query(client, first.token, expensive)
        other, _ = await _query(client, second.token, expensive)
    assert throttled.status_code == 429
    assert other.status_code == 200


async def test_rate_limiting_can_be_switched_off(app_with, viewer_token):
    async with app_with(rate_limit_enabled=False) as client:
        _, body = await _query(client, viewer_token)
    assert "throttleStatus" not in body["extensions"]["cost"]


async def test_the_memory_bucket_refills_at_its_restore_rate():
    bucket = MemoryRateLimiter(maximum=10, restore_rate=1_000_000)
    assert (await bucket.take("t", 10)).allowed
    # a million points a second: full again a millisecond later (not "by the next call":
    # two calls can be well under a microsecond apart)
    await asyncio.sleep(0.001)
    assert (await bucket.take("t", 10)).allowed


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_instances_share_one_redis_bucket():
    from redis.asyncio import Redis

    prefix = uuid.uuid4().hex
    one = RedisRateLimiter(Redis.from_url(TEST_REDIS_URL), 20, 0.001, prefix)
    two = RedisRateLimiter(Redis.from_url(TEST_REDIS_URL), 20, 0.001, prefix)
    try:
        assert (await one.take("token", 15)).allowed
        refused = await two.take("token", 15)
        assert not refused.allowed
        assert refused.available == pytest.approx(5, abs=0.1)
        assert (await two.refund("token", 10)).available == pytest.approx(15, abs=0.1)
        assert (await one.take("token", 15)).allowed
    finally:
        await one.close()
        await two.close()
