"""Waking subscribers after a change committed: the broker carries ids, never data."""

from __future__ import annotations

from collections.abc import Iterable

from db.ops.activity import Recorded
from graph.broker import Broker


def user_channel(user_id: int) -> str:
    """Channel that wakes one user's `notificationReceived` subscriptions."""
    return f"user:{user_id}"


def deal_channel(deal_id: int) -> str:
    """Channel that wakes `dealActivity` subscriptions on one deal."""
    return f"deal:{deal_id}"


def token_channel(token_id: int) -> str:
    """Channel that wakes the WebSockets authenticated with one token, to check it again."""
    return f"token:{token_id}"


async def publish_tokens_revoked(broker: Broker, token_ids: Iterable[int]) -> None:
    """Announce committed revocations: sockets using those tokens re-check them and close."""
    messages = [(token_channel(token_id), "revoked") for token_id in token_ids]
    if messages:
        await broker.publish_many(messages)


async def publish_recorded(broker: Broker, recorded: Iterable[Recorded]) -> None:
    """Announce committed activities: to each notified user and to the deal's watchers."""
    messages: list[tuple[str, str]] = []
    for item in recorded:
        activity = item.activity
        messages.append((deal_channel(activity.deal_id), str(activity.id)))
        messages.extend(
            (user_channel(user_id), str(activity.id)) for user_id in item.notified_user_ids
        )
    if messages:
        await broker.publish_many(messages)
