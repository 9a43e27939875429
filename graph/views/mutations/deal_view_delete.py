"""`dealViewDelete`: delete one of the viewer's deal views."""

from __future__ import annotations

import strawberry

from db.ops.views import delete_view
from graph.changes import commit_change
from graph.context import Info
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of
from graph.views.types import DealView


@strawberry.input(description="The deal view to delete.")
class DealViewDeleteInput:
    id: strawberry.ID = strawberry.field(description="One of the viewer's deal views.")


@strawberry.type(description="The result of `dealViewDelete`.")
class DealViewDeletePayload:
    deal_view: DealView | None = strawberry.field(description="The view as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted view.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the view was not deleted; when not empty, nothing changed."
    )


@strawberry.type
class DealViewDeleteMutation:
    @strawberry.mutation(description="Delete one of the viewer's saved deal views.")
    async def deal_view_delete(
        self, info: Info, input: DealViewDeleteInput
    ) -> DealViewDeletePayload:
        actor = info.context.viewer.user

        async def change() -> DealViewDeletePayload:
            result = await commit_change(
                info,
                lambda session: delete_view(
                    session=session, actor=actor, view_id=pk_of(input.id, "DealView")
                ),
            )
            view = DealView.from_row(result.view)
            return DealViewDeletePayload(deal_view=view, deleted_id=view.id, user_errors=[])

        return await catch_user_errors(
            change,
            lambda errors: DealViewDeletePayload(
                deal_view=None, deleted_id=None, user_errors=errors
            ),
        )
