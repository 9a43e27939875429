"""`dealRegistrationSubmit`: either side registers an existing deal."""

from __future__ import annotations

from typing import Self

import strawberry

from db.ops.registrations import RegistrationChange, submit_registration
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal, DealRegistration
from graph.errors import UserError, catch_user_errors
from graph.registrations.mutations.payload import changed_fields
from graph.relay import pk_of


@strawberry.input(description="The deal to register for the viewer's account.")
class DealRegistrationSubmitInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal to register.")


@strawberry.type(description="The result of `dealRegistrationSubmit`.")
class DealRegistrationSubmitPayload:
    registration: DealRegistration | None = strawberry.field(
        description="The new registration; null when refused."
    )
    deal: Deal | None = strawberry.field(description="The deal after the change.")
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; when not empty, nothing was written."
    )

    @classmethod
    def from_change(cls, change: RegistrationChange) -> Self:
        return cls(**changed_fields(change))


@strawberry.type
class DealRegistrationSubmitMutation:
    @strawberry.mutation(
        description=(
            "Register a deal for the viewer's account (partner or vendor). An account has at "
            "most one live (submitted, or approved and unexpired) registration per deal: "
            "another one is DUPLICATE."
        )
    )
    async def deal_registration_submit(
        self, info: Info, input: DealRegistrationSubmitInput
    ) -> DealRegistrationSubmitPayload:
        viewer = info.context.viewer

        async def change() -> DealRegistrationSubmitPayload:
            submitted = await commit_change(
                info,
                lambda session: submit_registration(
                    session=session, actor=viewer.user, deal_id=pk_of(input.deal_id, "Deal")
                ),
            )
            return DealRegistrationSubmitPayload.from_change(submitted)

        return await catch_user_errors(
            change,
            lambda errors: DealRegistrationSubmitPayload(
                registration=None, deal=None, user_errors=errors
            ),
        )
