"""`callSummaryCreate`: a vendor rep stores a call and its AI summary on a deal."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.ops.calls import CallSummaryDraft, PersonDraft, create_call_summary
from graph.calls.types import CallSummary
from graph.changes import commit_change
from graph.context import Info
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of


@strawberry.input(description="Someone who took part in the call.")
class CallParticipantInput:
    name: str = strawberry.field(description="Full name (1 to 200 characters).")
    email: str | None = strawberry.field(default=None, description="Email address, if known.")


@strawberry.input(description="A person who took part in or was named in the call.")
class CallContactInput:
    name: str = strawberry.field(description="Full name (1 to 200 characters).")
    job_title: str | None = strawberry.field(default=None, description="Job title, if known.")
    email: str | None = strawberry.field(default=None, description="Email address, if known.")


@strawberry.input(
    description="A call and its AI summary. Every list holds at most 100 items of 1 to 2000 "
    "characters."
)
class CallSummaryCreateInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal the call was about.")
    title: str = strawberry.field(description="The call's title (1 to 300 characters).")
    occurred_at: datetime = strawberry.field(description="When the call started, with offset.")
    duration_seconds: int = strawberry.field(
        default=0, description="How long the call lasted, 0 to 86400 seconds."
    )
    participants: list[CallParticipantInput] = strawberry.field(
        default_factory=list, description="Who took part (at most 100)."
    )
    overview: str = strawberry.field(
        default="", description="The overall summary (at most 20000 characters)."
    )
    key_takeaways: list[str] = strawberry.field(
        default_factory=list, description="The most important points."
    )
    deal_risks: list[str] = strawberry.field(
        default_factory=list, description="Issues that may affect the deal."
    )
    tech_stack: list[str] = strawberry.field(
        default_factory=list, description="Technology the customer uses."
    )
    business_challenges_and_goals: list[str] = strawberry.field(
        default_factory=list, description="The customer's business challenges and goals."
    )
    contacts_involved: list[CallContactInput] = strawberry.field(
        default_factory=list, description="People on or named in the call (at most 100)."
    )
    next_steps: list[str] = strawberry.field(
        default_factory=list, description="Recommended actions to move forward."
    )

    def to_draft(self) -> CallSummaryDraft:
        """The input as the operation's draft."""
        return CallSummaryDraft(
            title=self.title,
            occurred_at=self.occurred_at,
            duration_seconds=self.duration_seconds,
            participants=[PersonDraft(name=p.name, email=p.email) for p in self.participants],
            overview=self.overview,
            key_takeaways=self.key_takeaways,
            deal_risks=self.deal_risks,
            tech_stack=self.tech_stack,
            business_challenges_and_goals=self.business_challenges_and_goals,
            contacts_involved=[
                PersonDraft(name=c.name, email=c.email, job_title=c.job_title)
                for c in self.contacts_involved
            ],
            next_steps=self.next_steps,
        )


@strawberry.type(description="The result of `callSummaryCreate`.")
class CallSummaryCreatePayload:
    call_summary: CallSummary | None = strawberry.field(
        description="The stored summary, private to the vendor; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; when not empty, nothing was written."
    )


@strawberry.type
class CallSummaryCreateMutation:
    @strawberry.mutation(
        description=(
            "Store a call and its AI summary on a deal (vendor users only). The summary stays "
            "private to the vendor account until `callSummaryShare`; an INTERNAL activity "
            "notifies the vendor's team members."
        )
    )
    async def call_summary_create(
        self, info: Info, input: CallSummaryCreateInput
    ) -> CallSummaryCreatePayload:
        viewer = info.context.viewer

        async def change() -> CallSummaryCreatePayload:
            created = await commit_change(
                info,
                lambda session: create_call_summary(
                    session=session,
                    actor=viewer.user,
                    actor_account=viewer.account,
                    deal_id=pk_of(input.deal_id, "Deal"),
                    draft=input.to_draft(),
                ),
            )
            return CallSummaryCreatePayload(
                call_summary=CallSummary.from_row(created.summary), user_errors=[]
            )

        return await catch_user_errors(
            change, lambda errors: CallSummaryCreatePayload(call_summary=None, user_errors=errors)
        )
