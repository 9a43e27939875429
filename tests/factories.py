"""Test data made straight in the database, with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from db.engine import Database
from db.models import (
    Account,
    AccountKind,
    AccountSettings,
    Activity,
    ActivityKind,
    Call,
    CallSummary,
    Deal,
    DealPlacement,
    DealProduct,
    DealRegistration,
    DealTeamMember,
    Pipeline,
    PipelineStage,
    Product,
    RegistrationStatus,
    User,
    UserRole,
    utcnow,
)
from db.ops.activity import record_activity
from db.tokens import create_token
from graph.relay import to_global_id

_counter = itertools.count(1)


@dataclass
class Person:
    """A user with a live token."""

    user: User
    token: str

    @property
    def id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    @property
    def gid(self) -> str:
        return to_global_id("User", self.id)


@dataclass
class Org:
    """An account with its default pipeline and stages."""

    account: Account
    pipeline: Pipeline
    stages: list[PipelineStage]

    @property
    def id(self) -> int:
        assert self.account.id is not None
        return self.account.id


class Factory:
    """Creates rows in their own committed transactions."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def org(self, kind: AccountKind = AccountKind.PARTNER, name: str | None = None) -> Org:
        n = next(_counter)
        async with self.database.transaction() as session:
            account = Account(name=name or f"{kind.value.title()} {n}", kind=kind)
            session.add(account)
            await session.flush()
            pipeline = Pipeline(account_id=account.id, name="Shared deals", position=0)
            session.add(pipeline)
            await session.flush()
            stages = [
                PipelineStage(pipeline_id=pipeline.id, name=name, position=i, is_closed=closed)
                for i, (name, closed) in enumerate(
                    [("Closed lost", True), ("Qualified", False), ("Proposal", False)]
                )
            ]
            # A closed stage first proves "first open stage" skips closed ones.
            session.add_all(stages)
            session.add(AccountSettings(account_id=account.id, shared_deal_pipeline_id=pipeline.id))
        return Org(account=account, pipeline=pipeline, stages=stages)

    async def pipeline(self, org: Org, name: str) -> tuple[Pipeline, list[PipelineStage]]:
        async with self.database.transaction() as session:
            pipeline = Pipeline(account_id=org.id, name=name, position=1)
            session.add(pipeline)
            await session.flush()
            stages = [
                PipelineStage(pipeline_id=pipeline.id, name=f"{name} {i}", position=i)
                for i in range(2)
            ]
            session.add_all(stages)
        return pipeline, stages

    async def person(
        self, org: Org, role: UserRole = UserRole.MEMBER, active: bool = True, name: str = ""
    ) -> Person:
        n = next(_counter)
        async with self.database.transaction() as session:
            user = User(
                account_id=org.id,
                email=f"user{n}@example.com",
                name=name or f"User {n}",
                role=role,
                is_active=active,
            )
            session.add(user)
            await session.flush()
            assert user.id is not None
            token = await create_token(session=session, user_id=user.id)
        return Person(user=user, token=token)

    async def product(self, hub: str | None = None, tier: str = "Pro") -> Product:
        n = next(_counter)
        async with self.database.transaction() as session:
            product = Product(name=f"{hub or 'Hub'} {n} {tier}", hub=hub or f"Hub {n}", tier=tier)
            session.add(product)
        return product

    async def deal(
        self,
        partner: Org,
        vendor: Org,
        *,
        name: str | None = None,
        amount: int = 1000,
        close_date: date | None = None,
        team: list[Person] = (),  # type: ignore[assignment]
        products: list[Product] = (),  # type: ignore[assignment]
        created_at: datetime | None = None,
        stage_index: int = 1,
    ) -> Deal:
        n = next(_counter)
        async with self.database.transaction() as session:
            deal = Deal(
                name=name or f"Deal {n}",
                amount=Decimal(amount),
                currency="USD",
                close_date=close_date or date(2027, 1, 1),
                partner_account_id=partner.id,
                vendor_account_id=vendor.id,
                created_at=created_at or utcnow(),
            )
            session.add(deal)
            await session.flush()
            for org in (partner, vendor):
                session.add(
                    DealPlacement(
                        deal_id=deal.id,
                        account_id=org.id,
                        pipeline_id=org.pipeline.id,
                        stage_id=org.stages[stage_index].id,
                    )
                )
            for person in team:
                session.add(
                    DealTeamMember(
                        deal_id=deal.id, user_id=person.id, account_id=person.user.account_id
                    )
                )
            for product in products:
                session.add(DealProduct(deal_id=deal.id, product_id=product.id))
        return deal

    async def registration(
        self,
        deal: Deal,
        by: Person,
        status: RegistrationStatus = RegistrationStatus.SUBMITTED,
        expires_in: timedelta | None = None,
    ) -> DealRegistration:
        async with self.database.transaction() as session:
            registration = DealRegistration(
                deal_id=deal.id,
                account_id=by.user.account_id,
                status=status,
                submitted_by_id=by.id,
                expires_at=utcnow() + expires_in if expires_in is not None else None,
                rejection_reason="no" if status == RegistrationStatus.REJECTED else None,
            )
            session.add(registration)
        return registration

    async def call_summary(
        self, deal: Deal, by: Person, shared: bool = False, overview: str = "Summary"
    ) -> CallSummary:
        async with self.database.transaction() as session:
            call = Call(
                deal_id=deal.id, title="Discovery", occurred_at=utcnow(), created_by_id=by.id
            )
            session.add(call)
            await session.flush()
            summary = CallSummary(
                call_id=call.id,
                deal_id=deal.id,
                overview=overview,
                key_takeaways=["k"],
                contacts_involved=[{"name": "Ann", "job_title": "CTO", "email": None}],
                created_by_id=by.id,
                shared_at=utcnow() if shared else None,
                shared_by_id=by.id if shared else None,
            )
            session.add(summary)
        return summary

    async def activity(
        self, deal: Deal, actor: Person, kind: ActivityKind, details: dict[str, Any] | None = None
    ) -> Activity:
        async with self.database.transaction() as session:
            recorded = await record_activity(
                session=session,
                deal=deal,
                kind=kind,
                actor=actor.user,
                account_id=actor.user.account_id,
                details=details or {},
            )
        return recorded.activity
