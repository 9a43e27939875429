"""`dealRegistrationWithdraw`: the submitting side takes a registration back."""

from __future__ import annotations

from typing import Self

import strawberry

from db.ops.registrations import RegistrationChange, withdraw_registration
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal, DealRegistration
from graph.errors import UserError, catch_user_errors
from graph.registrations.mutations.payload import changed_fields
from graph.relay import pk_of


@strawberry.input(description="The registration to withdraw.")
class DealRegistrationWithdrawInput:
    registration_id: strawberry.ID = strawberry.field(description="The registration to withdraw.")


@strawberry.type(description="The result of `dealRegistrationWithdraw`.")
class DealRegistrationWithdrawPayload:
    registration: DealRegistration | None = strawberry.field(
        description="The withdrawn registration; null when refused."
    )
    deal: Deal | None = strawberry.field(description="The deal after the change.")
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; when not empty, nothing was written."
    )

    @classmethod
    def from_change(cls, change: RegistrationChange) -> Self:
        return cls(**changed_fields(change))


@strawberry.type
class DealRegistrationWithdrawMutation:
    @strawberry.mutation(
        description=(
            "Withdraw a submitted or approved (unexpired) registration. Only users of the "
            "account that submitted it may (FORBIDDEN otherwise)."
        )
    )
    async def deal_registration_withdraw(
        self, info: Info, input: DealRegistrationWithdrawInput
    ) -> DealRegistrationWithdrawPayload:
        viewer = info.context.viewer

        async def change() -> DealRegistrationWithdrawPayload:
            withdrawn = await commit_change(
                info,
                lambda session: withdraw_registration(
                    session=session,
                    actor=viewer.user,
                    registration_id=pk_of(input.registration_id, "DealRegistration"),
                ),
            )
            return DealRegistrationWithdrawPayload.from_change(withdrawn)

        return await catch_user_errors(
            change,
            lambda errors: DealRegistrationWithdrawPayload(
                registration=None, deal=None, user_errors=errors
            ),
        )
