"""The Subscription root: `notificationReceived` and `dealActivity`.

These resolvers are what strawberry runs in-process (`schema.subscribe`). The WebSocket
transport does not run them: it opens the same feeds (`graph.subscriptions.feeds`) and
delivers them from one loop for the whole process (`graph.subscriptions.dispatcher`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from graph.activity.types import Activity
from graph.context import Info
from graph.notifications.types import Notification
from graph.subscriptions.feed import follow
from graph.subscriptions.feeds import deal_activity_feed, notification_feed


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
        feed = await notification_feed(info.context, after)
        async for notification in follow(info.context.broker, feed):
            yield notification

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
        feed = await deal_activity_feed(info.context, deal_id, after)
        async for activity in follow(info.context.broker, feed):
            yield activity
