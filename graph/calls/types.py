"""Calls and their AI-generated summaries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from db.models import Call as CallRow
from db.models import CallSummary as CallSummaryRow
from graph.context import Info
from graph.relay import Node, to_global_id

if TYPE_CHECKING:
    from graph.accounts.types import User


@strawberry.type(description="A person who took part in a call or was discussed in it.")
class Contact:
    name: str = strawberry.field(description="Full name.")
    job_title: str | None = strawberry.field(description="Job title, when known.")
    email: str | None = strawberry.field(description="Email address, when known.")

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Self:
        return cls(
            name=str(value.get("name", "")),
            job_title=value.get("job_title") or value.get("jobTitle"),
            email=value.get("email"),
        )


@strawberry.type(description="A vendor rep's call with the customer.")
class Call(Node):
    title: str = strawberry.field(description="The call's title.")
    occurred_at: datetime = strawberry.field(description="When the call started.")
    duration_seconds: int = strawberry.field(description="How long the call lasted, in seconds.")
    participants: list[Contact] = strawberry.field(description="Who took part.")

    @classmethod
    def from_row(cls, row: CallRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("Call", row.id),
            title=row.title,
            occurred_at=row.occurred_at,
            duration_seconds=row.duration_seconds,
            participants=[Contact.from_json(p) for p in row.participants],
        )


@strawberry.type(
    description="The AI summary of a call. Private to the vendor until a vendor user shares it."
)
class CallSummary(Node):
    overview: str = strawberry.field(description="The overall summary of the call.")
    key_takeaways: list[str] = strawberry.field(description="The most important points.")
    deal_risks: list[str] = strawberry.field(description="Issues that may affect the deal.")
    tech_stack: list[str] = strawberry.field(description="Technology the customer uses.")
    business_challenges_and_goals: list[str] = strawberry.field(
        description="The customer's business challenges and goals."
    )
    contacts_involved: list[Contact] = strawberry.field(
        description="People on or named in the call."
    )
    next_steps: list[str] = strawberry.field(description="Recommended actions to move forward.")
    created_at: datetime = strawberry.field(description="When the summary was stored.")
    shared_at: datetime | None = strawberry.field(
        description="When it was shared with the partner; null while private to the vendor."
    )
    is_shared: bool = strawberry.field(description="Whether the partner account can see it.")
    _row: strawberry.Private[CallSummaryRow]

    @strawberry.field(description="The call this summarises.")
    async def call(self, info: Info) -> Call:
        row = await info.context.loaders.call_by_id.load(self._row.call_id)
        return Call.from_row(row)

    @strawberry.field(description="Who shared it; null while not shared.")
    async def shared_by(
        self, info: Info
    ) -> Annotated[User, strawberry.lazy("graph.accounts.types")] | None:
        from graph.accounts.types import User

        if self._row.shared_by_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self._row.shared_by_id)
        return User.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: CallSummaryRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("CallSummary", row.id),
            overview=row.overview,
            key_takeaways=list(row.key_takeaways),
            deal_risks=list(row.deal_risks),
            tech_stack=list(row.tech_stack),
            business_challenges_and_goals=list(row.business_challenges_and_goals),
            contacts_involved=[Contact.from_json(c) for c in row.contacts_involved],
            next_steps=list(row.next_steps),
            created_at=row.created_at,
            shared_at=row.shared_at,
            is_shared=row.shared_at is not None,
            _row=row,
        )
