"""Visibility of records fetched by id outside a deal: users, accounts, pipelines."""

from __future__ import annotations

from sqlalchemy import exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import (
    Account,
    CallSummary,
    Deal,
    Pipeline,
    PipelineStage,
    User,
)
from db.queries.visibility import call_summary_visible_to, deal_visible_to


def _shares_a_deal_with(viewer_account_id: int, other_account_id: object) -> object:
    """Some deal links the viewer's account and the other account."""
    return exists().where(
        deal_visible_to(viewer_account_id),
        or_(
            col(Deal.partner_account_id) == other_account_id,
            col(Deal.vendor_account_id) == other_account_id,
        ),
    )


async def visible_account(
    *, session: AsyncSession, viewer_account_id: int, pk: int
) -> Account | None:
    """The viewer's own account, or one it shares a deal with."""
    statement = select(Account).where(
        col(Account.id) == pk,
        or_(Account.id == viewer_account_id, _shares_a_deal_with(viewer_account_id, Account.id)),  # type: ignore[arg-type]
    )
    return (await session.exec(statement)).first()


async def visible_user(*, session: AsyncSession, viewer_account_id: int, pk: int) -> User | None:
    """A user of the viewer's account, or of an account it shares a deal with."""
    statement = select(User).where(
        col(User.id) == pk,
        or_(
            col(User.account_id) == viewer_account_id,
            _shares_a_deal_with(viewer_account_id, User.account_id),  # type: ignore[arg-type]
        ),
    )
    return (await session.exec(statement)).first()


async def own_pipeline(*, session: AsyncSession, account_id: int, pk: int) -> Pipeline | None:
    """A pipeline of the viewer's account."""
    statement = select(Pipeline).where(Pipeline.id == pk, col(Pipeline.account_id) == account_id)
    return (await session.exec(statement)).first()


async def own_stage(*, session: AsyncSession, account_id: int, pk: int) -> PipelineStage | None:
    """A stage of one of the viewer's account's pipelines."""
    statement = (
        select(PipelineStage)
        .join(Pipeline, col(Pipeline.id) == PipelineStage.pipeline_id)
        .where(PipelineStage.id == pk, col(Pipeline.account_id) == account_id)
    )
    return (await session.exec(statement)).first()


async def visible_call_summary_of_call(
    *, session: AsyncSession, account_id: int, is_vendor: bool, call_id: int
) -> CallSummary | None:
    """The summary of a call, when the viewer may see it (and so the call)."""
    statement = (
        select(CallSummary)
        .join(Deal, col(Deal.id) == CallSummary.deal_id)
        .where(
            col(CallSummary.call_id) == call_id,
            deal_visible_to(account_id),
            call_summary_visible_to(is_vendor),
        )
    )
    return (await session.exec(statement)).first()
