"""Notifications: an activity as delivered to one user."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry

from db.models import Notification as NotificationRow
from graph.activity.types import Activity
from graph.context import Info
from graph.deals.types import Deal
from graph.loaders.base import resolve_now
from graph.relay import Connection, Node, encode_cursor, to_global_id


def notification_cursor(seq: int) -> str:
    """The cursor of a user's notification: its per-user sequence number."""
    return encode_cursor([seq])


@strawberry.type(description="An activity delivered to the viewer, with its read state.")
class Notification(Node):
    cursor: str = strawberry.field(
        description="Where it sits in the viewer's list; `notificationReceived(after:)` takes it."
    )
    created_at: datetime = strawberry.field(description="When the notification was made.")
    read_at: datetime | None = strawberry.field(
        description="When it was marked read; null if unread."
    )
    _row: strawberry.Private[NotificationRow]
    # Read with the notification (subscriptions do): a notification's activity is
    # always one its user may see, so it needs no second, checked read. Subscribers
    # woken by the same change share one Activity object (it holds only the row's data).
    _activity: strawberry.Private[Activity | None] = None

    @strawberry.field(description="The activity this notification is about.")
    def activity(self, info: Info) -> Activity | None:
        if self._activity is not None:
            return self._activity
        return resolve_now(  # type: ignore[no-any-return]
            info.context.loaders.activity_by_id,
            self._row.activity_id,
            lambda row: Activity.from_row(row) if row else None,
        )

    @strawberry.field(description="The deal the activity happened on.")
    async def deal(self, info: Info) -> Deal | None:
        row = await info.context.loaders.deal_by_id.load(self._row.deal_id)
        return Deal.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: NotificationRow, *, activity: Activity | None = None) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("Notification", row.id),
            cursor=notification_cursor(row.seq),
            created_at=row.created_at,
            read_at=row.read_at,
            _row=row,
            _activity=activity,
        )


@strawberry.type(description="A page of the viewer's notifications, newest first.")
class NotificationConnection(Connection[Notification]):
    _unread: strawberry.Private[int]

    @strawberry.field(description="How many of the viewer's notifications are unread.")
    def unread_count(self) -> int:
        return self._unread
