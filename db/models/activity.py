"""Calls with their AI summaries, deal activities and per-user notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models.base import ActivityKind, UTCDateTime, Visibility, enum_check, utcnow


class Call(SQLModel, table=True):
    """A vendor rep's call with the customer."""

    __table_args__ = (CheckConstraint("duration_seconds >= 0", name="duration"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    title: str = Field(max_length=300)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    duration_seconds: int = Field(default=0)
    # [{"name": ..., "email": ...}]
    participants: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CallSummary(SQLModel, table=True):
    """The AI summary of one call: private to the vendor until shared."""

    __tablename__ = "call_summary"
    __table_args__ = (
        Index(None, "deal_id", "shared_at", "id"),
        CheckConstraint(
            "(shared_at IS NULL) = (shared_by_id IS NULL)", name="shared_by_when_shared"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", unique=True)
    deal_id: int = Field(foreign_key="deal.id")
    overview: str = Field(default="")
    key_takeaways: list[str] = Field(default_factory=list, sa_type=JSON)
    deal_risks: list[str] = Field(default_factory=list, sa_type=JSON)
    tech_stack: list[str] = Field(default_factory=list, sa_type=JSON)
    business_challenges_and_goals: list[str] = Field(default_factory=list, sa_type=JSON)
    next_steps: list[str] = Field(default_factory=list, sa_type=JSON)
    # [{"name": ..., "job_title": ..., "email": ...}]
    contacts_involved: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    shared_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class Activity(SQLModel, table=True):
    """One effective change on a deal; INTERNAL ones are seen only by `account_id`."""

    __table_args__ = (
        CheckConstraint(enum_check("kind", ActivityKind), name="kind"),
        CheckConstraint(enum_check("visibility", Visibility), name="visibility"),
        Index(None, "deal_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    kind: str = Field(max_length=40)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    account_id: int = Field(foreign_key="account.id")
    visibility: str = Field(max_length=16)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    call_summary_id: int | None = Field(default=None, foreign_key="call_summary.id")


class Notification(SQLModel, table=True):
    """An activity as delivered to one user; `seq` orders a user's notifications."""

    __table_args__ = (
        UniqueConstraint("user_id", "seq"),
        UniqueConstraint("user_id", "activity_id"),
        Index(None, "user_id", "read_at"),
        CheckConstraint("seq >= 1", name="seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    seq: int
    activity_id: int = Field(foreign_key="activity.id", index=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
