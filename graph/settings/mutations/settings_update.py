"""`settingsUpdate`: an admin changes where their account files newly shared deals."""

from __future__ import annotations

import strawberry

from db.ops.settings import update_settings
from graph.changes import commit_change
from graph.context import Info
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of
from graph.settings.types import Settings


@strawberry.input(description="New settings of the viewer's account.")
class SettingsUpdateInput:
    shared_deal_pipeline_id: strawberry.ID = strawberry.field(
        description="A pipeline of the viewer's account, with an open stage, for new shared deals."
    )


@strawberry.type(description="The result of `settingsUpdate`.")
class SettingsUpdatePayload:
    settings: Settings | None = strawberry.field(description="The settings after the change.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the change was refused; when not empty, nothing changed."
    )


@strawberry.type
class SettingsUpdateMutation:
    @strawberry.mutation(
        description=(
            "Change the viewer's account's settings (account admins only). Deals already "
            "shared keep their placement; deals shared afterwards enter the new pipeline's "
            "first open stage."
        )
    )
    async def settings_update(
        self, info: Info, input: SettingsUpdateInput
    ) -> SettingsUpdatePayload:
        actor = info.context.viewer.user

        async def change() -> SettingsUpdatePayload:
            result = await commit_change(
                info,
                lambda session: update_settings(
                    session=session,
                    actor=actor,
                    shared_deal_pipeline_id=pk_of(input.shared_deal_pipeline_id, "Pipeline"),
                ),
            )
            return SettingsUpdatePayload(
                settings=Settings.from_row(result.settings), user_errors=[]
            )

        return await catch_user_errors(
            change, lambda errors: SettingsUpdatePayload(settings=None, user_errors=errors)
        )
