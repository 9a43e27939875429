"""The two feeds behind the Subscription root: a user's notifications and a deal's activity."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import GraphQLError

from db.models import Activity as ActivityRow
from db.queries.feeds import last_activity_id, last_notification_seq, visible_deal
from graph.activity.types import Activity
from graph.context import Context
from graph.notifications.types import Notification
from graph.publish import deal_channel, user_channel
from graph.relay import InvalidCursorError, decode_cursor, pk_of
from graph.subscriptions.feed import BatchRead, Feed
from graph.subscriptions.reader import Delivery, feed_reader


def _position_of(cursor: str) -> int:
    """The sequence number or id inside a notification or activity cursor."""
    values = decode_cursor(cursor, "after")
    if len(values) != 1 or not isinstance(values[0], int) or values[0] < 0:
        raise InvalidCursorError("after")
    return int(values[0])


class NotificationFeed:
    """The viewer's notifications, by per-user sequence number."""

    __slots__ = ("_after", "_context")

    def __init__(self, context: Context, after: int | None) -> None:
        self._context = context
        self._after = after

    @property
    def channel(self) -> str:
        return user_channel(self._context.viewer.user_id)

    async def start(self) -> int:
        if self._after is not None:
            return self._after
        async with self._context.database.session() as session:
            return await last_notification_seq(
                session=session, user_id=self._context.viewer.user_id
            )

    @property
    def reads(self) -> BatchRead:
        return feed_reader(self._context.database).notifications

    def key(self, position: int) -> tuple[int, int]:
        return (self._context.viewer.user_id, position)

    def position(self, row: Delivery) -> int:
        return int(row[0].seq)

    def source(self, row: Delivery) -> Notification:
        self._context.reset_loaders()  # each event is read fresh, not from earlier events
        notification, activity = row
        return Notification.from_row(notification, activity=activity)


class DealActivityFeed:
    """What the viewer's account may see on one deal, by activity id."""

    __slots__ = ("_after", "_context", "_deal_id")

    def __init__(self, context: Context, deal_id: int, after: int | None) -> None:
        self._context = context
        self._deal_id = deal_id
        self._after = after

    @property
    def channel(self) -> str:
        return deal_channel(self._deal_id)

    async def start(self) -> int:
        if self._after is not None:
            return self._after
        async with self._context.database.session() as session:
            return await last_activity_id(session=session, deal_id=self._deal_id)

    @property
    def reads(self) -> BatchRead:
        return feed_reader(self._context.database).activities

    def key(self, position: int) -> tuple[int, int, int]:
        return (self._deal_id, self._context.viewer.account_id, position)

    def position(self, row: ActivityRow) -> int:
        return row.id or 0

    def source(self, row: ActivityRow) -> Activity:
        self._context.reset_loaders()
        return Activity.from_row(row)


async def notification_feed(context: Context, after: str | None) -> NotificationFeed:
    """The feed of `notificationReceived(after:)`; a bad cursor is the client's error."""
    return NotificationFeed(context, _position_of(after) if after is not None else None)


async def deal_activity_feed(context: Context, deal_id: str, after: str | None) -> DealActivityFeed:
    """The feed of `dealActivity(dealId:, after:)`: NOT_FOUND unless the viewer sees the deal."""
    after_id = _position_of(after) if after is not None else None
    pk = pk_of(deal_id, "Deal")
    if pk is not None:
        async with context.database.session() as session:
            deal = await visible_deal(
                session=session, account_id=context.viewer.account_id, deal_id=pk
            )
        if deal is not None:
            return DealActivityFeed(context, pk, after_id)
    raise GraphQLError(
        "No deal with that id.", extensions={"code": "NOT_FOUND", "argument": "dealId"}
    )


Opener = Callable[[Context, Mapping[str, Any]], Awaitable[Feed[Any]]]

FEEDS: dict[str, Opener] = {
    "notificationReceived": lambda context, args: notification_feed(context, args.get("after")),
    "dealActivity": lambda context, args: deal_activity_feed(
        context, str(args["dealId"]), args.get("after")
    ),
}
"""Each Subscription root field (by its GraphQL name) and how to open its feed from the
field's coerced arguments. The WebSocket transport runs these feeds itself."""
