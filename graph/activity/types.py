"""Activities: the record of every change on a deal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry.scalars import JSON

from db.models import Activity as ActivityRow
from graph.context import Info
from graph.enums import ActivityKind, Visibility
from graph.relay import Node, to_global_id

if TYPE_CHECKING:
    from graph.accounts.types import User
    from graph.calls.types import CallSummary
    from graph.deals.types import Deal


@strawberry.type(description="One change on a deal: who did what, when, and who may see it.")
class Activity(Node):
    kind: ActivityKind = strawberry.field(description="What kind of change this was.")
    visibility: Visibility = strawberry.field(description="SHARED or INTERNAL.")
    occurred_at: datetime = strawberry.field(description="When the change was made.")
    details: JSON = strawberry.field(
        description="What changed: before/after values, added/removed ids and names."
    )
    _row: strawberry.Private[ActivityRow]

    @strawberry.field(description="Who made the change; null for system changes.")
    async def actor(
        self, info: Info
    ) -> Annotated[User, strawberry.lazy("graph.accounts.types")] | None:
        from graph.accounts.types import User

        if self._row.actor_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self._row.actor_id)
        return User.from_row(row) if row else None

    @strawberry.field(description="The deal the change was made on.")
    async def deal(
        self, info: Info
    ) -> Annotated[Deal, strawberry.lazy("graph.deals.types")] | None:
        from graph.deals.types import Deal

        row = await info.context.loaders.deal_by_id.load(self._row.deal_id)
        return Deal.from_row(row) if row else None

    @strawberry.field(description="The call summary this activity is about, if any and visible.")
    async def call_summary(
        self, info: Info
    ) -> Annotated[CallSummary, strawberry.lazy("graph.calls.types")] | None:
        from graph.calls.types import CallSummary

        if self._row.call_summary_id is None:
            return None
        row = await info.context.loaders.call_summary_by_id.load(self._row.call_summary_id)
        return CallSummary.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: ActivityRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("Activity", row.id),
            kind=ActivityKind(row.kind),
            visibility=Visibility(row.visibility),
            occurred_at=row.occurred_at,
            details=JSON(row.details),
            _row=row,
        )
