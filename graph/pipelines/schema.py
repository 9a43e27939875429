"""Pipelines, the product catalogue and settings of the viewer's account."""

from __future__ import annotations

import strawberry
from sqlmodel import col, select

from db.models import AccountSettings as SettingsRow
from db.models import Pipeline as PipelineRow
from db.models import Product as ProductRow
from graph.context import Info
from graph.pipelines.types import Pipeline, Product
from graph.settings.types import Settings


@strawberry.type
class PipelineQuery:
    @strawberry.field(description="The viewer's account's pipelines.")
    async def pipelines(self, info: Info) -> list[Pipeline]:
        statement = (
            select(PipelineRow)
            .where(PipelineRow.account_id == info.context.viewer.account_id)
            .order_by(col(PipelineRow.position), col(PipelineRow.id))
        )
        async with info.context.database.session() as session:
            rows = (await session.exec(statement)).all()
        return [Pipeline.from_row(row) for row in rows]

    @strawberry.field(description="The vendor's product catalogue.")
    async def products(self, info: Info) -> list[Product]:
        statement = select(ProductRow).order_by(
            col(ProductRow.hub), col(ProductRow.tier), col(ProductRow.id)
        )
        async with info.context.database.session() as session:
            rows = (await session.exec(statement)).all()
        return [Product.from_row(row) for row in rows]

    @strawberry.field(description="The viewer's account's settings.")
    async def settings(self, info: Info) -> Settings:
        async with info.context.database.session() as session:
            row = await session.get(SettingsRow, info.context.viewer.account_id)
        return Settings.from_row(row)
