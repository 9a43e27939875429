"""Shared deals, their per-account placement, registrations, team and products."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Numeric,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from db.models.base import RegistrationStatus, UTCDateTime, enum_check, utcnow


class Deal(SQLModel, table=True):
    """One opportunity shared by exactly one partner account and one vendor account."""

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("partner_account_id <> vendor_account_id", name="two_accounts"),
        CheckConstraint("length(currency) = 3", name="currency"),
        Index(None, "name", "id"),
        Index(None, "amount", "id"),
        Index(None, "close_date", "id"),
        Index(None, "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    amount: Decimal = Field(default=Decimal(0), sa_type=Numeric(18, 2))
    currency: str = Field(default="USD", max_length=3)
    close_date: date
    partner_account_id: int = Field(foreign_key="account.id", index=True)
    vendor_account_id: int = Field(foreign_key="account.id", index=True)
    company_name: str = Field(default="", max_length=200)
    company_domain: str = Field(default="", max_length=253)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=320)
    intro_note: str = Field(default="", max_length=5000)
    version: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DealPlacement(SQLModel, table=True):
    """Where one account files a deal: its own pipeline and stage."""

    __tablename__ = "deal_placement"
    __table_args__ = (
        UniqueConstraint("deal_id", "account_id"),
        ForeignKeyConstraint(
            ["pipeline_id", "account_id"],
            ["pipeline.id", "pipeline.account_id"],
            name="fk_deal_placement_pipeline_of_account",
        ),
        ForeignKeyConstraint(
            ["stage_id", "pipeline_id"],
            ["pipeline_stage.id", "pipeline_stage.pipeline_id"],
            name="fk_deal_placement_stage_of_pipeline",
        ),
        Index(None, "account_id", "pipeline_id", "stage_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    account_id: int = Field(foreign_key="account.id")
    pipeline_id: int
    stage_id: int


class DealRegistration(SQLModel, table=True):
    """A registration of a deal by one side; counts while submitted or approved and unexpired."""

    __tablename__ = "deal_registration"
    __table_args__ = (
        CheckConstraint(enum_check("status", RegistrationStatus), name="status"),
        CheckConstraint(
            "status <> 'REJECTED' OR rejection_reason IS NOT NULL", name="rejection_reason"
        ),
        Index(None, "deal_id", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    account_id: int = Field(foreign_key="account.id")
    status: str = Field(default=RegistrationStatus.SUBMITTED, max_length=16)
    submitted_by_id: int = Field(foreign_key="app_user.id")
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str | None = Field(default=None, max_length=2000)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DealTeamMember(SQLModel, table=True):
    """A user on a deal's team; `account_id` is the member's account (denormalised)."""

    __tablename__ = "deal_team_member"
    __table_args__ = (UniqueConstraint("deal_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    user_id: int = Field(foreign_key="app_user.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    added_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DealProduct(SQLModel, table=True):
    """A product of interest on a deal."""

    __tablename__ = "deal_product"

    deal_id: int = Field(foreign_key="deal.id", primary_key=True)
    product_id: int = Field(foreign_key="product.id", primary_key=True, index=True)


class DealView(SQLModel, table=True):
    """A user's saved deal filter."""

    __tablename__ = "deal_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=100)
    filter: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IdempotencyKey(SQLModel, table=True):
    """The deal a user's `sharedDealCreate` made under a client-chosen key."""

    __tablename__ = "idempotency_key"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    key: str = Field(max_length=200, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
