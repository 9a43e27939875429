"""Where an account files a deal that becomes shared with it."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import AccountSettings, PipelineStage


async def entry_placement(*, session: AsyncSession, account_id: int) -> tuple[int, int]:
    """The account's shared-deal pipeline and its first open stage (lowest position).

    Raises INVALID when the account has no shared-deal pipeline or the pipeline
    has no open stage: a deal cannot be filed there.
    """
    settings = await session.get(AccountSettings, account_id)
    pipeline_id = settings.shared_deal_pipeline_id if settings is not None else None
    if pipeline_id is None:
        raise DomainError(ErrorCode.INVALID, "The account has no pipeline for shared deals.")
    statement = (
        select(PipelineStage.id)
        .where(PipelineStage.pipeline_id == pipeline_id, col(PipelineStage.is_closed).is_(False))
        .order_by(col(PipelineStage.position), col(PipelineStage.id))
        .limit(1)
    )
    stage_id = (await session.exec(statement)).first()
    if stage_id is None:
        raise DomainError(
            ErrorCode.INVALID, "The account's shared-deal pipeline has no open stage."
        )
    return pipeline_id, stage_id
