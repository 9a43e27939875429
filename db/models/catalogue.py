"""Pipelines and their stages (per account) and the vendor's product catalogue."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class Pipeline(SQLModel, table=True):
    """A sales pipeline of one account."""

    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        # Target of composite foreign keys that pin a pipeline to its account.
        UniqueConstraint("id", "account_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=200)
    position: int = Field(default=0)


class PipelineStage(SQLModel, table=True):
    """A stage of a pipeline; closed stages (won/lost) are never the entry stage."""

    __tablename__ = "pipeline_stage"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "name"),
        UniqueConstraint("id", "pipeline_id"),
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipeline.id", index=True)
    name: str = Field(max_length=200)
    position: int = Field(default=0)
    probability: int = Field(default=0)
    is_closed: bool = Field(default=False)


class Product(SQLModel, table=True):
    """A product of the vendor's catalogue: a hub at a tier."""

    __table_args__ = (UniqueConstraint("hub", "tier"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    hub: str = Field(max_length=100)
    tier: str = Field(max_length=100)
