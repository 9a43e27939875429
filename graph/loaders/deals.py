"""Loaders for deals and what hangs off them; each batch is one SQL statement."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select

from db.models import (
    Account,
    Deal,
    DealPlacement,
    DealProduct,
    DealRegistration,
    DealTeamMember,
    DealView,
    PipelineStage,
    Product,
    User,
    utcnow,
)
from db.queries.visibility import deal_visible_to, registration_is_active
from graph.loaders.base import ScopedLoader, many_per_key, one_per_key


class DealByIdLoader(ScopedLoader):
    """Deals by id, None for a deal the viewer's account may not see."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Deal | None]:
        statement = select(Deal).where(col(Deal.id).in_(keys), deal_visible_to(self.account_id))
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return one_per_key(keys, rows, lambda deal: deal.id)


class PlacementByDealLoader(ScopedLoader):
    """The viewer's account's placement (pipeline + stage) of each deal; primes its stage."""

    stages: ScopedLoader | None = None

    async def batch_load_fn(self, keys: Sequence[int]) -> list[DealPlacement | None]:
        statement = (
            select(DealPlacement, PipelineStage)
            .join(PipelineStage, col(PipelineStage.id) == DealPlacement.stage_id)
            .where(
                col(DealPlacement.deal_id).in_(keys),
                col(DealPlacement.account_id) == self.account_id,
            )
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        if self.stages is not None:
            self.stages.prime_many((stage.id, stage) for _, stage in rows)
        return one_per_key(keys, [placement for placement, _ in rows], lambda row: row.deal_id)


class TeamMembersByDealLoader(ScopedLoader):
    """Team members of each deal, in the order they were added; primes their users and accounts."""

    users: ScopedLoader | None = None
    accounts: ScopedLoader | None = None

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[DealTeamMember]]:
        statement = (
            select(DealTeamMember, User, Account)
            .join(User, col(User.id) == DealTeamMember.user_id)
            .join(Account, col(Account.id) == DealTeamMember.account_id)
            .where(col(DealTeamMember.deal_id).in_(keys))
            .order_by(col(DealTeamMember.added_at), col(DealTeamMember.id))
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        if self.users is not None:
            self.users.prime_many((user.id, user) for _, user, _ in rows)
        if self.accounts is not None:
            self.accounts.prime_many((account.id, account) for _, _, account in rows)
        return many_per_key(keys, [member for member, _, _ in rows], lambda row: row.deal_id)


class ProductsByDealLoader(ScopedLoader):
    """Products of interest of each deal, by hub and tier."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Product]]:
        statement = (
            select(DealProduct.deal_id, Product)
            .join(Product, col(Product.id) == DealProduct.product_id)
            .where(col(DealProduct.deal_id).in_(keys))
            .order_by(col(Product.hub), col(Product.tier), col(Product.id))
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        grouped = many_per_key(keys, rows, lambda row: row[0])
        return [[product for _, product in group] for group in grouped]


class ActiveRegistrationCountByDealLoader(ScopedLoader):
    """How many registrations of each deal are active right now."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[int]:
        statement = (
            select(DealRegistration.deal_id, func.count(col(DealRegistration.id)))
            .where(col(DealRegistration.deal_id).in_(keys), registration_is_active(utcnow()))
            .group_by(col(DealRegistration.deal_id))
        )
        async with self.reader.session() as session:
            counts = dict((await session.exec(statement)).all())
        return [counts.get(key, 0) for key in keys]


class RegistrationsByDealLoader(ScopedLoader):
    """Every registration of each deal, newest first."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[DealRegistration]]:
        statement = (
            select(DealRegistration)
            .where(col(DealRegistration.deal_id).in_(keys))
            .order_by(col(DealRegistration.submitted_at).desc(), col(DealRegistration.id).desc())
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return many_per_key(keys, rows, lambda registration: registration.deal_id)


class RegistrationByIdLoader(ScopedLoader):
    """Registrations by id, None unless their deal is visible to the viewer."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[DealRegistration | None]:
        statement = (
            select(DealRegistration)
            .join(Deal, col(Deal.id) == DealRegistration.deal_id)
            .where(col(DealRegistration.id).in_(keys), deal_visible_to(self.account_id))
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return one_per_key(keys, rows, lambda registration: registration.id)


class DealViewsByUserLoader(ScopedLoader):
    """A user's saved deal views, by name."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[DealView]]:
        statement = (
            select(DealView)
            .where(col(DealView.user_id).in_(keys))
            .order_by(col(DealView.name), col(DealView.id))
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return many_per_key(keys, rows, lambda view: view.user_id)
