"""`callSummaryShare`: a vendor user shares a call summary with the partner account."""

from __future__ import annotations

import strawberry

from db.ops.calls import share_call_summary
from graph.calls.types import CallSummary
from graph.changes import commit_change
from graph.context import Info
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of


@strawberry.input(description="The call summary to share with the partner.")
class CallSummaryShareInput:
    call_summary_id: strawberry.ID = strawberry.field(description="The summary to share.")


@strawberry.type(description="The result of `callSummaryShare`.")
class CallSummarySharePayload:
    call_summary: CallSummary | None = strawberry.field(
        description="The shared summary; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; when not empty, nothing changed."
    )


@strawberry.type
class CallSummaryShareMutation:
    @strawberry.mutation(
        description=(
            "Share a call summary with the deal's partner account (vendor users only): records "
            "who shared it and when, and a SHARED activity. Sharing it again changes nothing."
        )
    )
    async def call_summary_share(
        self, info: Info, input: CallSummaryShareInput
    ) -> CallSummarySharePayload:
        viewer = info.context.viewer

        async def change() -> CallSummarySharePayload:
            shared = await commit_change(
                info,
                lambda session: share_call_summary(
                    session=session,
                    actor=viewer.user,
                    actor_account=viewer.account,
                    call_summary_id=pk_of(input.call_summary_id, "CallSummary"),
                ),
            )
            return CallSummarySharePayload(
                call_summary=CallSummary.from_row(shared.summary), user_errors=[]
            )

        return await catch_user_errors(
            change, lambda errors: CallSummarySharePayload(call_summary=None, user_errors=errors)
        )
