"""Saved deal views."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry
from strawberry.scalars import JSON

from db.models import DealView as DealViewRow
from graph.relay import Node, to_global_id


@strawberry.type(description="A named, saved deal filter; `deals(viewId:)` applies it.")
class DealView(Node):
    name: str = strawberry.field(description="The view's name, unique per user.")
    filter: JSON = strawberry.field(description="The saved `DealFilter`, as given.")
    created_at: datetime = strawberry.field(description="When the view was first saved.")
    updated_at: datetime = strawberry.field(description="When the view was last saved.")

    @classmethod
    def from_row(cls, row: DealViewRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("DealView", row.id),
            name=row.name,
            filter=JSON(row.filter),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
