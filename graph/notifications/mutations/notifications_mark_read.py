"""`notificationsMarkRead`: mark some or all of the viewer's notifications read."""

from __future__ import annotations

import strawberry

from db.ops.notifications import mark_read
from graph.changes import commit_change
from graph.context import Info
from graph.errors import UserError, catch_user_errors
from graph.notifications.types import Notification
from graph.relay import pk_of


@strawberry.input(description="Which of the viewer's notifications to mark read.")
class NotificationsMarkReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The viewer's notifications to mark read (at most 100)."
    )
    all: bool | None = strawberry.field(
        default=None, description="When true, mark every notification of the viewer read."
    )


@strawberry.type(description="The result of `notificationsMarkRead`.")
class NotificationsMarkReadPayload:
    unread_count: int | None = strawberry.field(
        description="How many of the viewer's notifications are unread afterwards."
    )
    notifications: list[Notification] = strawberry.field(
        description="The notifications named by `ids`, now read."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was marked; when not empty, nothing changed."
    )


@strawberry.type
class NotificationsMarkReadMutation:
    @strawberry.mutation(
        description="Mark the given (or, with `all`, every one) of the viewer's notifications read."
    )
    async def notifications_mark_read(
        self, info: Info, input: NotificationsMarkReadInput
    ) -> NotificationsMarkReadPayload:
        actor = info.context.viewer.user

        async def change() -> NotificationsMarkReadPayload:
            result = await commit_change(
                info,
                lambda session: mark_read(
                    session=session,
                    actor=actor,
                    ids=[pk_of(pk, "Notification") for pk in input.ids or ()],
                    all=bool(input.all),
                ),
            )
            return NotificationsMarkReadPayload(
                unread_count=result.unread_count,
                notifications=[Notification.from_row(row) for row in result.notifications],
                user_errors=[],
            )

        return await catch_user_errors(
            change,
            lambda errors: NotificationsMarkReadPayload(
                unread_count=None, notifications=[], user_errors=errors
            ),
        )
