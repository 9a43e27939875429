"""What subscribers read when woken: a user's notifications and a deal's activities, in order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Activity, Deal, Notification
from db.queries.visibility import activity_visible_to, deal_visible_to

FEED_PAGE = 100


async def last_notification_seq(*, session: AsyncSession, user_id: int) -> int:
    """The sequence number of the user's newest notification (0 if none)."""
    statement = select(func.max(col(Notification.seq))).where(col(Notification.user_id) == user_id)
    return (await session.exec(statement)).one() or 0


async def notifications_after(
    *, session: AsyncSession, user_id: int, after_seq: int, limit: int = FEED_PAGE
) -> Sequence[Notification]:
    """The user's notifications after `after_seq`, oldest first.

    A user's sequence numbers are taken under a row lock until commit, so they
    become visible in order: reading `seq > after_seq` never skips one.
    """
    statement = (
        select(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.seq) > after_seq)
        .order_by(col(Notification.seq))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def visible_deal(*, session: AsyncSession, account_id: int, deal_id: int) -> Deal | None:
    """The deal, if the account is one of its two sides."""
    statement = select(Deal).where(col(Deal.id) == deal_id, deal_visible_to(account_id))
    return (await session.exec(statement)).first()


async def last_activity_id(*, session: AsyncSession, deal_id: int) -> int:
    """The id of the deal's newest activity (0 if none)."""
    statement = select(func.max(col(Activity.id))).where(col(Activity.deal_id) == deal_id)
    return (await session.exec(statement)).one() or 0


async def activities_after(
    *, session: AsyncSession, deal_id: int, account_id: int, after_id: int, limit: int = FEED_PAGE
) -> Sequence[Activity]:
    """The deal's activities after `after_id` that the account may see, oldest first.

    Activities of one deal are written under the deal's row lock, so their ids
    grow in commit order.
    """
    statement = (
        select(Activity)
        .where(
            col(Activity.deal_id) == deal_id,
            col(Activity.id) > after_id,
            activity_visible_to(account_id),
        )
        .order_by(col(Activity.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()
