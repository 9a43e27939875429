"""The demo's accounts, people, pipelines, settings and product catalogue."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.demo_data import HUBS, PARTNERS, TIERS, VENDOR, AccountSpec, PipelineSpec
from db.models import (
    Account,
    AccountSettings,
    ActivityKind,
    Deal,
    Pipeline,
    PipelineStage,
    Product,
    User,
)


@dataclass(slots=True)
class DemoAccount:
    """One demo account with its people and pipelines (stages in order)."""

    account: Account
    users: list[User]
    pipelines: list[tuple[Pipeline, list[PipelineStage]]]

    @property
    def id(self) -> int:
        """The account's primary key."""
        assert self.account.id is not None
        return self.account.id

    @property
    def active_users(self) -> list[User]:
        """Users who may be added to teams and act."""
        return [user for user in self.users if user.is_active]


@dataclass(slots=True)
class DemoWorld:
    """Everything deals are built on: the vendor, the partners and the catalogue."""

    vendor: DemoAccount
    partners: list[DemoAccount]
    products: list[Product] = field(default_factory=list)


async def has_accounts(*, session: AsyncSession) -> bool:
    """True when the database holds at least one account."""
    return (await session.exec(select(Account.id).limit(1))).first() is not None


async def create_pipeline(
    *, session: AsyncSession, account_id: int, spec: PipelineSpec, position: int = 0
) -> tuple[Pipeline, list[PipelineStage]]:
    """Make a pipeline of an account with its stages in the spec's order."""
    pipeline = Pipeline(account_id=account_id, name=spec.name, position=position)
    session.add(pipeline)
    await session.flush()
    assert pipeline.id is not None
    stages = [
        PipelineStage(
            pipeline_id=pipeline.id,
            name=stage.name,
            position=index,
            probability=stage.probability,
            is_closed=stage.is_closed,
        )
        for index, stage in enumerate(spec.stages)
    ]
    session.add_all(stages)
    await session.flush()
    return pipeline, stages


async def create_account(
    *, session: AsyncSession, name: str, kind: str, pipelines: tuple[PipelineSpec, ...]
) -> tuple[Account, list[tuple[Pipeline, list[PipelineStage]]]]:
    """Make an account, its pipelines and settings filing shared deals in the first pipeline."""
    account = Account(name=name, kind=kind)
    session.add(account)
    await session.flush()
    assert account.id is not None
    made = [
        await create_pipeline(session=session, account_id=account.id, spec=spec, position=index)
        for index, spec in enumerate(pipelines)
    ]
    session.add(AccountSettings(account_id=account.id, shared_deal_pipeline_id=made[0][0].id))
    await session.flush()
    return account, made


async def _create_demo_account(*, session: AsyncSession, spec: AccountSpec) -> DemoAccount:
    account, pipelines = await create_account(
        session=session, name=spec.name, kind=spec.kind, pipelines=spec.pipelines
    )
    assert account.id is not None
    users = [
        User(
            account_id=account.id,
            email=f"{user.local}@{spec.domain}",
            name=user.name,
            role=user.role,
            is_active=user.is_active,
        )
        for user in spec.users
    ]
    session.add_all(users)
    await session.flush()
    return DemoAccount(account=account, users=users, pipelines=pipelines)


async def create_world(*, session: AsyncSession) -> DemoWorld:
    """Make the demo accounts, people, pipelines, settings and the product catalogue."""
    vendor = await _create_demo_account(session=session, spec=VENDOR)
    partners = [await _create_demo_account(session=session, spec=spec) for spec in PARTNERS]
    products = [Product(name=f"{hub} {tier}", hub=hub, tier=tier) for hub in HUBS for tier in TIERS]
    session.add_all(products)
    await session.flush()
    return DemoWorld(vendor=vendor, partners=partners, products=products)


@dataclass(slots=True)
class Event:
    """One change in a deal's history, recorded as an activity when replayed."""

    at: datetime
    deal: Deal
    kind: ActivityKind
    actor: User | None
    account_id: int
    details: dict[str, Any]
    rows: list[SQLModel] = field(default_factory=list)
    remove: SQLModel | None = None
    call_summary_id: int | None = None


@dataclass(slots=True)
class DealDraft:
    """A demo deal with the choices its history is built from."""

    deal: Deal
    partner: DemoAccount
    vendor: DemoAccount
    creator_side: DemoAccount
    creator: User
    closed: bool
    won: bool
    products: list[Product]
    plan_index: int
    team: dict[int, list[User]] = field(default_factory=dict)  # account id → members

    @property
    def deal_id(self) -> int:
        """The deal's primary key (after flush)."""
        assert self.deal.id is not None
        return self.deal.id

    def other_side(self) -> DemoAccount:
        """The account that did not create the deal."""
        return self.vendor if self.creator_side is self.partner else self.partner


@dataclass(slots=True)
class Timeline:
    """The clock, the randomness and the events collected so far."""

    rng: random.Random
    now: datetime
    expiry_days: int
    events: list[Event] = field(default_factory=list)

    def clamp(self, at: datetime) -> datetime:
        """A moment no later than a few minutes ago."""
        return min(at, self.now - timedelta(minutes=5))

    def after(self, at: datetime, *, min_hours: int, max_hours: int) -> datetime:
        """A random moment some hours after `at`, never in the future."""
        return self.clamp(at + timedelta(hours=self.rng.randint(min_hours, max_hours)))


def pk(row: Any) -> int:
    """The primary key of a flushed row (`id`), never None."""
    value = row.id
    assert isinstance(value, int), f"{type(row).__name__} has no primary key yet"
    return value
