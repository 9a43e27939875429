"""Pipelines, stages and catalogue products."""

from __future__ import annotations

from typing import Self

import strawberry

from db.models import Pipeline as PipelineRow
from db.models import PipelineStage as StageRow
from db.models import Product as ProductRow
from graph.context import Info
from graph.relay import Node, to_global_id


@strawberry.type(description="A stage of a pipeline.")
class PipelineStage(Node):
    name: str = strawberry.field(description="The stage's name.")
    position: int = strawberry.field(description="Order of the stage within its pipeline.")
    probability: int = strawberry.field(description="Win probability in percent.")
    is_closed: bool = strawberry.field(description="Whether the stage ends the deal (won/lost).")

    @classmethod
    def from_row(cls, row: StageRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("PipelineStage", row.id),
            name=row.name,
            position=row.position,
            probability=row.probability,
            is_closed=row.is_closed,
        )


@strawberry.type(description="A sales pipeline of the viewer's account.")
class Pipeline(Node):
    name: str = strawberry.field(description="The pipeline's name.")
    position: int = strawberry.field(description="Order of the pipeline in the account.")
    _pk: strawberry.Private[int]

    @strawberry.field(description="The stages, in order.")
    async def stages(self, info: Info) -> list[PipelineStage]:
        rows = await info.context.loaders.stages_by_pipeline.load(self._pk)
        return [PipelineStage.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: PipelineRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("Pipeline", row.id), name=row.name, position=row.position, _pk=row.id
        )


@strawberry.type(description="A product of the vendor's catalogue.")
class Product(Node):
    name: str = strawberry.field(description="The product's name.")
    hub: str = strawberry.field(description="The hub the product belongs to.")
    tier: str = strawberry.field(description="The edition tier.")

    @classmethod
    def from_row(cls, row: ProductRow) -> Self:
        assert row.id is not None
        return cls(id=to_global_id("Product", row.id), name=row.name, hub=row.hub, tier=row.tier)
