"""The viewer: who is asking, their account, notifications and saved views."""

from __future__ import annotations

import strawberry

from graph.accounts.types import Account, User
from graph.context import Info
from graph.notifications.resolvers import resolve_notifications
from graph.notifications.types import NotificationConnection
from graph.views.types import DealView


@strawberry.type(description="The authenticated user and what belongs to them.")
class Viewer:
    user: User = strawberry.field(description="The authenticated user.")
    account: Account = strawberry.field(description="The user's account.")

    @strawberry.field(description="The viewer's notifications, newest first, with `unreadCount`.")
    async def notifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        unread_only: bool = False,
    ) -> NotificationConnection:
        return await resolve_notifications(
            info, first=first, after=after, last=last, before=before, unread_only=unread_only
        )

    @strawberry.field(description="The viewer's saved deal views, by name.")
    async def deal_views(self, info: Info) -> list[DealView]:
        rows = await info.context.loaders.deal_views_by_user.load(info.context.viewer.user_id)
        return [DealView.from_row(row) for row in rows]


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The authenticated user, their account and notifications.")
    def viewer(self, info: Info) -> Viewer:
        viewer = info.context.viewer
        return Viewer(user=User.from_row(viewer.user), account=Account.from_row(viewer.account))
