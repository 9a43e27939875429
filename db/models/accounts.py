"""Accounts (tenants), their users, API tokens and per-account settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint
from sqlmodel import Field, SQLModel

from db.models.base import AccountKind, UserRole, UTCDateTime, enum_check, utcnow


class Account(SQLModel, table=True):
    """One company's CRM: the vendor or a solutions partner."""

    __table_args__ = (CheckConstraint(enum_check("kind", AccountKind), name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    """A person who belongs to exactly one account."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(enum_check("role", UserRole), name="role"),
        CheckConstraint("notification_seq >= 0", name="notification_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(default=UserRole.MEMBER, max_length=16)
    is_active: bool = Field(default=True)
    # Last notification sequence number handed out to this user; bumped under the
    # row lock so a user's notifications commit in the order of their cursors.
    notification_seq: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(default="default", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccountSettings(SQLModel, table=True):
    """Per-account settings: where shared deals are filed."""

    __tablename__ = "account_settings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shared_deal_pipeline_id", "account_id"],
            ["pipeline.id", "pipeline.account_id"],
            name="fk_account_settings_pipeline_of_account",
        ),
    )

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    shared_deal_pipeline_id: int | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
