"""`dealRegistrationReview`: a vendor user approves or rejects a registration."""

from __future__ import annotations

import enum
from typing import Self

import strawberry

from db.ops.registrations import RegistrationAction, RegistrationChange, review_registration
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal, DealRegistration
from graph.errors import UserError, catch_user_errors
from graph.registrations.mutations.payload import changed_fields
from graph.relay import pk_of


@strawberry.enum(description="A vendor's decision on a deal registration.")
class DealRegistrationDecision(enum.Enum):
    APPROVE = strawberry.enum_value(
        "APPROVE", description="Approve it; it stays active until its expiry."
    )
    REJECT = strawberry.enum_value("REJECT", description="Reject it; a reason is required.")


@strawberry.input(description="The decision on a submitted registration.")
class DealRegistrationReviewInput:
    registration_id: strawberry.ID = strawberry.field(description="The registration to decide.")
    decision: DealRegistrationDecision = strawberry.field(description="APPROVE or REJECT.")
    reason: str | None = strawberry.field(
        default=None, description="Why it is rejected (required to reject; at most 2000 chars)."
    )


@strawberry.type(description="The result of `dealRegistrationReview`.")
class DealRegistrationReviewPayload:
    registration: DealRegistration | None = strawberry.field(
        description="The registration after the decision; null when refused."
    )
    deal: Deal | None = strawberry.field(description="The deal after the change.")
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; when not empty, nothing was written."
    )

    @classmethod
    def from_change(cls, change: RegistrationChange) -> Self:
        return cls(**changed_fields(change))


@strawberry.type
class DealRegistrationReviewMutation:
    @strawberry.mutation(
        description=(
            "Approve or reject a SUBMITTED registration (vendor users only). Approval sets the "
            "expiry (the server's registration expiry, 90 days by default); rejection needs a "
            "reason. Any other change of status is ILLEGAL_TRANSITION."
        )
    )
    async def deal_registration_review(
        self, info: Info, input: DealRegistrationReviewInput
    ) -> DealRegistrationReviewPayload:
        context = info.context

        async def change() -> DealRegistrationReviewPayload:
            reviewed = await commit_change(
                info,
                lambda session: review_registration(
                    session=session,
                    actor=context.viewer.user,
                    actor_account=context.viewer.account,
                    registration_id=pk_of(input.registration_id, "DealRegistration"),
                    decision=RegistrationAction[input.decision.name],
                    reason=input.reason,
                    expiry_days=context.settings.registration_expiry_days,
                ),
            )
            return DealRegistrationReviewPayload.from_change(reviewed)

        return await catch_user_errors(
            change,
            lambda errors: DealRegistrationReviewPayload(
                registration=None, deal=None, user_errors=errors
            ),
        )
