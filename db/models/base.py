"""Shared column types, enums and the metadata naming convention."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, TypeDecorator
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops tz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_check(column: str, values: type[enum.Enum]) -> str:
    """SQL for a CHECK constraint that pins a string column to an enum's values."""
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({allowed})"


class AccountKind(enum.StrEnum):
    VENDOR = "VENDOR"
    PARTNER = "PARTNER"


class UserRole(enum.StrEnum):
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


class RegistrationStatus(enum.StrEnum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    WITHDRAWN = "WITHDRAWN"


class Visibility(enum.StrEnum):
    SHARED = "SHARED"
    INTERNAL = "INTERNAL"


class ActivityKind(enum.StrEnum):
    DEAL_SHARED = "DEAL_SHARED"
    TEAM_MEMBER_ADDED = "TEAM_MEMBER_ADDED"
    TEAM_MEMBER_REMOVED = "TEAM_MEMBER_REMOVED"
    PRODUCTS_CHANGED = "PRODUCTS_CHANGED"
    REGISTRATION_SUBMITTED = "REGISTRATION_SUBMITTED"
    REGISTRATION_APPROVED = "REGISTRATION_APPROVED"
    REGISTRATION_REJECTED = "REGISTRATION_REJECTED"
    REGISTRATION_WITHDRAWN = "REGISTRATION_WITHDRAWN"
    REGISTRATION_EXPIRED = "REGISTRATION_EXPIRED"
    CALL_SUMMARY_CREATED = "CALL_SUMMARY_CREATED"
    CALL_SUMMARY_SHARED = "CALL_SUMMARY_SHARED"
    STAGE_CHANGED = "STAGE_CHANGED"
    CLOSE_DATE_CHANGED = "CLOSE_DATE_CHANGED"
    AMOUNT_CHANGED = "AMOUNT_CHANGED"
