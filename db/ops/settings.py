"""Changing an account's settings for shared deals."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import AccountSettings, PipelineStage, User, UserRole, utcnow
from db.ops.activity import Recorded
from db.queries.nodes import own_pipeline


@dataclass(slots=True)
class SettingsChange:
    """The account's settings after the change (no deal changes, so no activity)."""

    settings: AccountSettings
    recorded: list[Recorded] = field(default_factory=list)


async def update_settings(
    *, session: AsyncSession, actor: User, shared_deal_pipeline_id: int | None
) -> SettingsChange:
    """Set the pipeline the actor's account files newly shared deals in (admins only).

    The pipeline must be the account's own (NOT_FOUND otherwise, so other
    accounts' pipelines do not leak) and have an open stage to enter (INVALID).
    Deals already shared keep their placement.
    """
    if actor.role != UserRole.ADMIN:
        raise DomainError(ErrorCode.FORBIDDEN, "Only account admins may change settings.")
    pipeline = (
        await own_pipeline(session=session, account_id=actor.account_id, pk=shared_deal_pipeline_id)
        if shared_deal_pipeline_id is not None
        else None
    )
    field_path = ("input", "sharedDealPipelineId")
    if pipeline is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No pipeline with that id.", field_path)
    open_stage = (
        await session.exec(
            select(PipelineStage.id).where(
                PipelineStage.pipeline_id == pipeline.id, col(PipelineStage.is_closed).is_(False)
            )
        )
    ).first()
    if open_stage is None:
        raise DomainError(
            ErrorCode.INVALID, "The pipeline has no open stage for new deals.", field_path
        )
    settings = await session.get(
        AccountSettings, actor.account_id, with_for_update={"key_share": True}
    )
    if settings is None:
        settings = AccountSettings(account_id=actor.account_id)
    settings.shared_deal_pipeline_id = pipeline.id
    settings.updated_at = utcnow()
    settings.updated_by_id = actor.id
    session.add(settings)
    await session.flush()
    return SettingsChange(settings=settings)
