"""`dealViewSave`: create or overwrite one of the viewer's named deal filters."""

from __future__ import annotations

import strawberry

from db.errors import DomainError, ErrorCode
from db.ops.views import save_view
from graph.changes import commit_change
from graph.context import Info
from graph.deals.filters import DealFilter, to_json
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of
from graph.views.types import DealView


@strawberry.input(description="A named deal filter to save.")
class DealViewSaveInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the viewer's views to overwrite; omit to create one."
    )
    name: str = strawberry.field(description="1 to 100 characters, unique among the viewer's.")
    filter: DealFilter = strawberry.field(description="The filter `deals(viewId:)` applies.")


@strawberry.type(description="The result of `dealViewSave`.")
class DealViewSavePayload:
    deal_view: DealView | None = strawberry.field(description="The view as saved.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the view was not saved; when not empty, nothing changed."
    )


@strawberry.type
class DealViewSaveMutation:
    @strawberry.mutation(
        description="Save a named deal filter for the viewer (create, or overwrite by `id`)."
    )
    async def deal_view_save(self, info: Info, input: DealViewSaveInput) -> DealViewSavePayload:
        actor = info.context.viewer.user
        view_id = pk_of(input.id, "DealView") if input.id is not None else None

        async def change() -> DealViewSavePayload:
            if input.id is not None and view_id is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, "No deal view with that id.", ("input", "id")
                )
            result = await commit_change(
                info,
                lambda session: save_view(
                    session=session,
                    actor=actor,
                    view_id=view_id,
                    name=input.name,
                    filter=to_json(input.filter),
                ),
            )
            return DealViewSavePayload(deal_view=DealView.from_row(result.view), user_errors=[])

        return await catch_user_errors(
            change, lambda errors: DealViewSavePayload(deal_view=None, user_errors=errors)
        )
