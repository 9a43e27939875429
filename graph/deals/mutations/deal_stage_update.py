"""`dealStageUpdate`: move a deal within the viewer's own account's pipelines."""

from __future__ import annotations

import strawberry

from db.ops.stage import move_deal
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of


@strawberry.input(description="Where the viewer's account files a deal from now on.")
class DealStageUpdateInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal to move.")
    stage_id: strawberry.ID = strawberry.field(
        description="A stage of any pipeline of the viewer's account; the pipeline follows it."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="The deal's `version` as last read; refused with VERSION_CONFLICT if stale.",
    )


@strawberry.type(description="The result of `dealStageUpdate`.")
class DealStageUpdatePayload:
    deal: Deal | None = strawberry.field(description="The deal after the move.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the move was refused; when not empty, nothing changed."
    )


@strawberry.type
class DealStageUpdateMutation:
    @strawberry.mutation(
        description=(
            "Move the deal to a stage of the viewer's own account's pipelines. The other "
            "account's placement is untouched; the INTERNAL activity is seen and notified "
            "only within the viewer's account."
        )
    )
    async def deal_stage_update(
        self, info: Info, input: DealStageUpdateInput
    ) -> DealStageUpdatePayload:
        actor = info.context.viewer.user

        async def change() -> DealStageUpdatePayload:
            result = await commit_change(
                info,
                lambda session: move_deal(
                    session=session,
                    actor=actor,
                    deal_id=pk_of(input.deal_id, "Deal"),
                    stage_id=pk_of(input.stage_id, "PipelineStage"),
                    expected_version=input.expected_version,
                ),
            )
            return DealStageUpdatePayload(deal=Deal.from_row(result.deal), user_errors=[])

        return await catch_user_errors(
            change, lambda errors: DealStageUpdatePayload(deal=None, user_errors=errors)
        )
