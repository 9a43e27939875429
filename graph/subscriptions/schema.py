"""The Subscription root: `notificationReceived` and `dealActivity`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError

from db.models import Activity as ActivityRow
from db.queries.feeds import last_activity_id, last_notification_seq, visible_deal
from graph.activity.types import Activity
from graph.context import Context, Info
from graph.notifications.types import Notification
from graph.publish import deal_channel, user_channel
from graph.relay import InvalidCursorError, decode_cursor, pk_of
from graph.subscriptions.feed import follow
from graph.subscriptions.reader import Delivery, feed_reader


def _position_of(cursor: str) -> int:
    """The sequence number or id inside a notification or activity cursor."""
    values = decode_cursor(cursor, "after")
    if len(values) != 1 or not isinstance(values[0], int) or values[0] < 0:
        raise InvalidCursorError("after")
    return int(values[0])


async def _deal_pk(context: Context, deal_id: str) -> int:
    pk = pk_of(deal_id, "Deal")
    if pk is not None:
        async with context.database.session() as session:
            deal = await visible_deal(
                session=session, account_id=context.viewer.account_id, deal_id=pk
            )
        if deal is not None:
            return pk
    raise GraphQLError(
        "No deal with that id.", extensions={"code": "NOT_FOUND", "argument": "dealId"}
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "The viewer's notifications as they arrive. With `after` (a notification's "
            "`cursor`), first every notification since that one, in order, then live ones; "
            "without it, only those that arrive from now on."
        )
    )
    async def notification_received(
        self,
        info: Info,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The `cursor` of the last notification the client has seen."
            ),
        ] = None,
    ) -> AsyncGenerator[Notification, None]:
        context = info.context
        user_id = context.viewer.user_id
        after_seq = _position_of(after) if after is not None else None

        async def start() -> int:
            if after_seq is not None:
                return after_seq
            async with context.database.session() as session:
                return await last_notification_seq(session=session, user_id=user_id)

        reader = feed_reader(context.database)

        async def read_after(seq: int) -> list[Delivery]:
            return await reader.notifications.load((user_id, seq))

        async for row in follow(
            context.broker,
            user_channel(user_id),
            start=start,
            read_after=read_after,
            position=lambda pair: pair[0].seq,
        ):
            context.reset_loaders()  # each event is read fresh, not from earlier events
            notification, activity = row
            yield Notification.from_row(notification, activity=activity)

    @strawberry.subscription(
        description=(
            "Activities on one deal as they happen, only those the viewer's account may "
            "see (never another account's INTERNAL ones). With `after` (an activity's cursor "
            "from `Deal.activities`), first every activity since that one, in order."
        )
    )
    async def deal_activity(
        self,
        info: Info,
        deal_id: Annotated[strawberry.ID, strawberry.argument(description="The deal to follow.")],
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The cursor of the last activity the client has seen on the deal."
            ),
        ] = None,
    ) -> AsyncGenerator[Activity, None]:
        context = info.context
        account_id = context.viewer.account_id
        after_id = _position_of(after) if after is not None else None
        pk = await _deal_pk(context, deal_id)

        async def start() -> int:
            if after_id is not None:
                return after_id
            async with context.database.session() as session:
                return await last_activity_id(session=session, deal_id=pk)

        reader = feed_reader(context.database)

        async def read_after(activity_id: int) -> list[ActivityRow]:
            return await reader.activities.load((pk, account_id, activity_id))

        async for row in follow(
            context.broker,
            deal_channel(pk),
            start=start,
            read_after=read_after,
            position=lambda row: row.id or 0,
        ):
            context.reset_loaders()
            yield Activity.from_row(row)
