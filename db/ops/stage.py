"""Moving a deal within the actor's own account's pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import ActivityKind, Deal, DealPlacement, Pipeline, PipelineStage, User
from db.ops.activity import Recorded, bump_version, record_activity
from db.ops.deals import check_version, lock_visible_deal
from db.queries.nodes import own_stage


@dataclass(slots=True)
class StageMove:
    """The deal and the actor's account's placement after the move, and its activity."""

    deal: Deal
    placement: DealPlacement
    recorded: list[Recorded] = field(default_factory=list)


async def move_deal(
    *,
    session: AsyncSession,
    actor: User,
    deal_id: int | None,
    stage_id: int | None,
    expected_version: int | None,
) -> StageMove:
    """File the deal in `stage_id` (any pipeline of the actor's account) for that account only.

    The other account's placement is untouched. Moving to the current stage
    writes nothing; otherwise the version moves on and one INTERNAL
    STAGE_CHANGED activity (before/after pipeline and stage) is recorded,
    notified only to the team members of the actor's account.
    """
    deal = await lock_visible_deal(
        session=session, actor=actor, deal_id=deal_id, field=("input", "dealId")
    )
    check_version(deal, expected_version, ("input", "expectedVersion"))
    stage = (
        await own_stage(session=session, account_id=actor.account_id, pk=stage_id)
        if stage_id is not None
        else None
    )
    if stage is None or stage.id is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No stage with that id.", ("input", "stageId"))
    placement = (
        await session.exec(
            select(DealPlacement).where(
                DealPlacement.deal_id == deal.id, DealPlacement.account_id == actor.account_id
            )
        )
    ).first()
    if placement is not None and placement.stage_id == stage.id:
        return StageMove(deal=deal, placement=placement)

    assert deal.id is not None
    before = await _described(session, placement)
    if placement is None:
        # Every shared deal is placed on both sides; this only repairs a missing row.
        placement = DealPlacement(
            deal_id=deal.id,
            account_id=actor.account_id,
            pipeline_id=stage.pipeline_id,
            stage_id=stage.id,
        )
    else:
        placement.pipeline_id = stage.pipeline_id
        placement.stage_id = stage.id
    session.add(placement)
    await bump_version(session=session, deal=deal)
    after = await _described(session, placement)
    recorded = await record_activity(
        session=session,
        deal=deal,
        kind=ActivityKind.STAGE_CHANGED,
        actor=actor,
        account_id=actor.account_id,
        details={
            "pipeline_id": after["pipeline_id"],
            "pipeline": after["pipeline"],
            "from_pipeline_id": before["pipeline_id"],
            "from_pipeline": before["pipeline"],
            "from_stage_id": before["stage_id"],
            "from_stage": before["stage"],
            "to_stage_id": after["stage_id"],
            "to_stage": after["stage"],
        },
    )
    return StageMove(deal=deal, placement=placement, recorded=[recorded])


async def _described(
    session: AsyncSession, placement: DealPlacement | None
) -> dict[str, int | str | None]:
    """Ids and names of a placement's pipeline and stage (all None when there is none)."""
    if placement is None:
        return {"pipeline_id": None, "pipeline": None, "stage_id": None, "stage": None}
    pipeline = await session.get(Pipeline, placement.pipeline_id)
    stage = await session.get(PipelineStage, placement.stage_id)
    return {
        "pipeline_id": placement.pipeline_id,
        "pipeline": pipeline.name if pipeline else None,
        "stage_id": placement.stage_id,
        "stage": stage.name if stage else None,
    }
