"""Per-account settings."""

from __future__ import annotations

from typing import Self

import strawberry

from db.models import AccountSettings as SettingsRow
from graph.context import Info
from graph.pipelines.types import Pipeline


@strawberry.type(description="The viewer's account's settings for shared deals.")
class Settings:
    _row: strawberry.Private[SettingsRow | None]

    @strawberry.field(
        description="The pipeline newly shared deals are filed in (its first open stage)."
    )
    async def shared_deal_pipeline(self, info: Info) -> Pipeline | None:
        if self._row is None or self._row.shared_deal_pipeline_id is None:
            return None
        row = await info.context.loaders.pipeline_by_id.load(self._row.shared_deal_pipeline_id)
        return Pipeline.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: SettingsRow | None) -> Self:
        return cls(_row=row)
