"""Cost-based rate limiting per API token: a leaky bucket in the style of Shopify's API.

A bucket holds up to `maximum` points and refills at `restore_rate` points per
second. A query takes its requested cost before it runs (refused when the bucket
holds less) and gets back the difference to its actual cost after it ran. In
memory by default; shared by every instance through Redis (one atomic Lua script)
when REDIS_URL is set. The `limits` package has no cost-weighted leaky bucket with
refunds, hence this small module.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db.config import Settings

logger = logging.getLogger("graph.ratelimit")


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    """The bucket after a take or a refund."""

    allowed: bool
    maximum: float
    available: float
    restore_rate: float

    def retry_after(self, cost: float) -> int:
        """Whole seconds until `cost` points are available."""
        missing = max(0.0, cost - self.available)
        return max(1, math.ceil(missing / self.restore_rate)) if self.restore_rate > 0 else 60

    def as_extension(self) -> dict[str, float]:
        """The `throttleStatus` entry of `extensions.cost`."""
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": math.floor(self.available),
            "restoreRate": self.restore_rate,
        }


class RateLimiter(Protocol):
    """A leaky bucket per key."""

    async def take(self, key: str, cost: float) -> ThrottleStatus:
        """Take `cost` points if the bucket holds them (refilled up to now)."""

    async def refund(self, key: str, points: float) -> ThrottleStatus:
        """Give back points a query did not use."""

    async def close(self) -> None:
        """Release connections."""

    async def ready(self) -> bool:
        """Whether the bucket store can be reached."""


class MemoryRateLimiter:
    """Buckets in this process: the embedded default."""

    def __init__(self, maximum: float, restore_rate: float) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._buckets: dict[str, tuple[float, float]] = {}

    def _level(self, key: str, now: float) -> float:
        available, updated = self._buckets.get(key, (self.maximum, now))
        return min(self.maximum, available + max(0.0, now - updated) * self.restore_rate)

    def _status(self, allowed: bool, available: float) -> ThrottleStatus:
        return ThrottleStatus(allowed, self.maximum, available, self.restore_rate)

    async def take(self, key: str, cost: float) -> ThrottleStatus:
        now = time.monotonic()
        available = self._level(key, now)
        allowed = cost <= available
        if allowed:
            available -= cost
        self._buckets[key] = (available, now)
        return self._status(allowed, available)

    async def refund(self, key: str, points: float) -> ThrottleStatus:
        now = time.monotonic()
        available = min(self.maximum, self._level(key, now) + points)
        self._buckets[key] = (available, now)
        return self._status(True, available)

    async def close(self) -> None:
        self._buckets.clear()

    async def ready(self) -> bool:
        return True


# KEYS[1]: the bucket; ARGV: maximum, restore rate, points to take (negative: refund).
# Redis' own clock keeps every instance on the same time line.
LEAKY_BUCKET_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local maximum = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'available', 'updated')
local available = tonumber(state[1]) or maximum
local updated = tonumber(state[2]) or now
available = math.min(maximum, available + math.max(0, now - updated) * rate)
local allowed = 0
if cost <= available then
  available = math.min(maximum, available - cost)
  allowed = 1
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'updated', tostring(now))
local ttl = 1000
if rate > 0 then ttl = math.ceil((maximum - available) / rate * 1000) + 1000 end
redis.call('PEXPIRE', KEYS[1], ttl)
return {allowed, tostring(available)}
"""


class RedisRateLimiter:
    """Buckets shared by every instance through Redis."""

    def __init__(self, redis: Redis, maximum: float, restore_rate: float, prefix: str) -> None:
        self.redis = redis
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.prefix = prefix
        self._script: Any = redis.register_script(LEAKY_BUCKET_LUA)

    async def _run(self, key: str, points: float) -> ThrottleStatus:
        try:
            allowed, available = await self._script(
                keys=[f"{self.prefix}:{key}"], args=[self.maximum, self.restore_rate, points]
            )
        except (RedisError, OSError) as error:
            # Fail open: losing Redis must not stop the API (readyz reports it meanwhile).
            logger.warning("rate limiter unavailable, allowing the request: %s", error)
            return ThrottleStatus(True, self.maximum, self.maximum, self.restore_rate)
        return ThrottleStatus(bool(int(allowed)), self.maximum, float(available), self.restore_rate)

    async def take(self, key: str, cost: float) -> ThrottleStatus:
        return await self._run(key, cost)

    async def refund(self, key: str, points: float) -> ThrottleStatus:
        return await self._run(key, -points)

    async def close(self) -> None:
        await self.redis.aclose()

    async def ready(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False


def rate_limiter_for(settings: Settings) -> RateLimiter | None:
    """The limiter the settings ask for: None when disabled, Redis when REDIS_URL is set."""
    if not settings.rate_limit_enabled:
        return None
    if settings.redis_url:
        client = Redis.from_url(settings.redis_url)
        return RedisRateLimiter(
            client,
            settings.rate_limit_maximum,
            settings.rate_limit_restore_rate,
            settings.rate_limit_key_prefix,
        )
    return MemoryRateLimiter(settings.rate_limit_maximum, settings.rate_limit_restore_rate)
