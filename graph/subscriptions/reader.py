"""What woken subscribers read, batched: one query for all the subscribers one change wakes.

A change that notifies 5,000 users wakes 5,000 `notificationReceived` subscriptions in
the same tick of the event loop. Each asks for "my notifications after my cursor"; the
process-wide loaders here gather those requests and answer them with one query (per
`BATCH` subscribers) instead of one each, so a fan-out costs a few queries and pooled
connections, not thousands. Open sockets re-checking their tokens when the safety poll
wakes them are batched the same way. Results are never cached: every read sees the
database.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from aiodataloader import DataLoader

from db.engine import Database
from db.models import Activity
from db.queries.feeds import activities_after, activities_by_id, notifications_after_many
from db.tokens import live_tokens
from graph.activity.types import Activity as ActivityNode

BATCH = 1000
"""Subscribers (or tokens) answered by one query."""

NotificationKey = tuple[int, int]
"""`(user_id, after_seq)`."""

ActivityKey = tuple[int, int, int]
"""`(deal_id, account_id, after_id)`."""


K = TypeVar("K")
V = TypeVar("V")

Delivery = tuple[Any, ActivityNode]
"""A notification row (with `Notification`'s attributes) and its activity, as the GraphQL
object: one per activity per read, shared by every subscriber the change notified."""


class _ProcessLoader(DataLoader[K, V]):
    """A loader shared by every connection of the process: batches, never caches."""

    def __init__(self, database: Database) -> None:
        super().__init__(cache=False, max_batch_size=BATCH)
        self.database = database


class NotificationFeedLoader(_ProcessLoader[NotificationKey, list[Delivery]]):
    """A user's notifications (with their activities) after a sequence number."""

    async def batch_load_fn(self, keys: Sequence[NotificationKey]) -> list[list[Delivery]]:
        unique = list(dict.fromkeys(keys))
        async with self.database.session() as session:
            rows = await notifications_after_many(session=session, positions=unique)
            # One change notifies many: usually a single activity for the whole batch.
            rows_by_id = await activities_by_id(
                session=session, ids={row.activity_id for row in rows}
            )
        activities = {pk: ActivityNode.from_row(activity) for pk, activity in rows_by_id.items()}
        by_user: dict[int, list[Delivery]] = defaultdict(list)
        for row in rows:
            by_user[row.user_id].append((row, activities[row.activity_id]))
        # A user subscribed twice at different positions shares rows; each key takes its own.
        return [[pair for pair in by_user[user] if pair[0].seq > after] for user, after in keys]


class ActivityFeedLoader(_ProcessLoader[ActivityKey, list[Activity]]):
    """A deal's activities an account may see after an activity id."""

    async def batch_load_fn(self, keys: Sequence[ActivityKey]) -> list[list[Activity]]:
        # Subscribers of one deal woken together mostly stand at the same position:
        # one query per distinct (deal, account, position), all on one connection.
        found: dict[ActivityKey, list[Activity]] = {}
        async with self.database.session() as session:
            for key in dict.fromkeys(keys):
                deal_id, account_id, after_id = key
                found[key] = list(
                    await activities_after(
                        session=session, deal_id=deal_id, account_id=account_id, after_id=after_id
                    )
                )
        return [found[key] for key in keys]


class TokenLivenessLoader(_ProcessLoader[int, bool]):
    """Whether a token still authenticates; open sockets re-check theirs when woken."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[bool]:
        async with self.database.session() as session:
            live = await live_tokens(session=session, token_ids=keys)
        return [key in live for key in keys]


class FeedReader:
    """The batching loaders of one database in one event loop."""

    def __init__(self, database: Database) -> None:
        self.loop = asyncio.get_running_loop()
        self.notifications = NotificationFeedLoader(database)
        self.activities = ActivityFeedLoader(database)
        self.tokens = TokenLivenessLoader(database)


_readers: weakref.WeakKeyDictionary[Database, FeedReader] = weakref.WeakKeyDictionary()


def feed_reader(database: Database) -> FeedReader:
    """This process's reader for `database`, shared by every subscription on it."""
    reader = _readers.get(database)
    if reader is None or reader.loop is not asyncio.get_running_loop():
        reader = _readers[database] = FeedReader(database)
    return reader
