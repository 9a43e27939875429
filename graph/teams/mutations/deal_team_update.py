"""`dealTeamUpdate`: add and remove deal team members of the viewer's account in one batch."""

from __future__ import annotations

import strawberry

from db.ops.team import TeamUpdate, update_team
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal, DealTeam, DealTeamMember
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of


@strawberry.input(description="Who joins and who leaves a deal team.")
class DealTeamUpdateInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal whose team changes.")
    add: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Active users of the viewer's account to add (at most 100).",
    )
    remove: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Users of the viewer's account to remove (at most 100).",
    )


@strawberry.type(description="The result of `dealTeamUpdate`.")
class DealTeamUpdatePayload:
    deal: Deal | None = strawberry.field(description="The deal after the change.")
    team: DealTeam | None = strawberry.field(description="The deal team after the change.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the batch was refused; when not empty, nothing changed."
    )

    @classmethod
    def from_change(cls, change: TeamUpdate) -> DealTeamUpdatePayload:
        return cls(
            deal=Deal.from_row(change.deal),
            team=DealTeam(members=[DealTeamMember.from_row(row) for row in change.members]),
            user_errors=[],
        )


@strawberry.type
class DealTeamUpdateMutation:
    @strawberry.mutation(
        description=(
            "Add and remove deal team members of the viewer's own account, all or nothing. "
            "Adding a member or removing a non-member changes nothing. Each effective change "
            "writes a SHARED activity, notified to the team as it is after the batch (never "
            "the actor; a removed member is not told)."
        )
    )
    async def deal_team_update(
        self, info: Info, input: DealTeamUpdateInput
    ) -> DealTeamUpdatePayload:
        viewer = info.context.viewer

        async def change() -> DealTeamUpdatePayload:
            result = await commit_change(
                info,
                lambda session: update_team(
                    session=session,
                    actor=viewer.user,
                    deal_id=pk_of(input.deal_id, "Deal"),
                    add=[pk_of(user_id, "User") for user_id in input.add or ()],
                    remove=[pk_of(user_id, "User") for user_id in input.remove or ()],
                ),
            )
            return DealTeamUpdatePayload.from_change(result)

        return await catch_user_errors(
            change, lambda errors: DealTeamUpdatePayload(deal=None, team=None, user_errors=errors)
        )
