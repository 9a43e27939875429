"""Loaders for accounts, users, pipelines, stages and products."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from db.models import Account, Pipeline, PipelineStage, Product, User
from graph.loaders.base import ScopedLoader, many_per_key, one_per_key


class AccountByIdLoader(ScopedLoader):
    """Accounts by id (callers only reach ids the viewer may see)."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Account | None]:
        async with self.reader.session() as session:
            rows = (await session.exec(select(Account).where(col(Account.id).in_(keys)))).all()
        return one_per_key(keys, rows, lambda account: account.id)


class UserByIdLoader(ScopedLoader):
    """Users by id (callers only reach ids the viewer may see)."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[User | None]:
        async with self.reader.session() as session:
            rows = (await session.exec(select(User).where(col(User.id).in_(keys)))).all()
        return one_per_key(keys, rows, lambda user: user.id)


class PipelineByIdLoader(ScopedLoader):
    """Pipelines by id."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Pipeline | None]:
        async with self.reader.session() as session:
            rows = (await session.exec(select(Pipeline).where(col(Pipeline.id).in_(keys)))).all()
        return one_per_key(keys, rows, lambda pipeline: pipeline.id)


class StageByIdLoader(ScopedLoader):
    """Pipeline stages by id."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[PipelineStage | None]:
        statement = select(PipelineStage).where(col(PipelineStage.id).in_(keys))
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return one_per_key(keys, rows, lambda stage: stage.id)


class StagesByPipelineLoader(ScopedLoader):
    """The stages of each pipeline, in pipeline order."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[PipelineStage]]:
        statement = (
            select(PipelineStage)
            .where(col(PipelineStage.pipeline_id).in_(keys))
            .order_by(col(PipelineStage.position), col(PipelineStage.id))
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return many_per_key(keys, rows, lambda stage: stage.pipeline_id)


class ProductByIdLoader(ScopedLoader):
    """Catalogue products by id."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Product | None]:
        async with self.reader.session() as session:
            rows = (await session.exec(select(Product).where(col(Product.id).in_(keys)))).all()
        return one_per_key(keys, rows, lambda product: product.id)
