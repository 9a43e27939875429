"""Writing activities and fanning them out as notifications, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import (
    Activity,
    ActivityKind,
    Deal,
    DealTeamMember,
    Notification,
    User,
    Visibility,
    utcnow,
)

# Which kinds only the actor's account may see (DOMAIN.md §3.6); every other kind is SHARED.
INTERNAL_KINDS = frozenset({ActivityKind.STAGE_CHANGED, ActivityKind.CALL_SUMMARY_CREATED})


def visibility_of(kind: ActivityKind) -> Visibility:
    """SHARED or INTERNAL, as the domain fixes it per kind of activity."""
    return Visibility.INTERNAL if kind in INTERNAL_KINDS else Visibility.SHARED


@dataclass(slots=True)
class Recorded:
    """What a change wrote: the activity and who must be woken after commit."""

    activity: Activity
    notified_user_ids: list[int] = field(default_factory=list)


async def lock_deal(*, session: AsyncSession, deal_id: int) -> Deal | None:
    """Load a deal under a row lock (PostgreSQL) so changes to one deal serialise.

    Every lock here is FOR NO KEY UPDATE: it serialises writers of the row but not
    the KEY SHARE locks that foreign-key checks take when other transactions insert
    rows pointing at it, which would otherwise close lock cycles across deals.
    """
    statement = select(Deal).where(Deal.id == deal_id).with_for_update(key_share=True)
    return (await session.exec(statement)).first()


async def bump_version(*, session: AsyncSession, deal: Deal) -> None:
    """Every change to a deal moves its version on by one."""
    deal.version += 1
    deal.updated_at = utcnow()
    session.add(deal)


async def record_activity(
    *,
    session: AsyncSession,
    deal: Deal,
    kind: ActivityKind,
    actor: User | None,
    account_id: int,
    details: dict[str, Any],
    call_summary_id: int | None = None,
) -> Recorded:
    """Write one activity and a notification for each team member who may see it.

    The actor is never notified. For an INTERNAL activity only members of
    `account_id` (the actor's account) are. Each recipient's notification
    sequence is bumped under a row lock taken in user-id order, so a user's
    notifications become visible in the order of their cursors and concurrent
    transactions cannot deadlock on them.
    """
    assert deal.id is not None
    visibility = visibility_of(kind)
    now = utcnow()
    activity = Activity(
        deal_id=deal.id,
        kind=kind,
        actor_id=actor.id if actor else None,
        account_id=account_id,
        visibility=visibility,
        occurred_at=now,
        details=details,
        call_summary_id=call_summary_id,
    )
    session.add(activity)
    await session.flush()
    assert activity.id is not None

    members = select(DealTeamMember.user_id).where(DealTeamMember.deal_id == deal.id)
    if visibility is Visibility.INTERNAL:
        members = members.where(DealTeamMember.account_id == account_id)
    if actor is not None:
        members = members.where(DealTeamMember.user_id != actor.id)
    recipients = sorted((await session.exec(members)).all())
    if not recipients:
        return Recorded(activity=activity)

    await session.exec(
        select(User.id)
        .where(col(User.id).in_(recipients))
        .order_by(col(User.id))
        .with_for_update(key_share=True)
    )
    bumped = await session.execute(
        update(User)
        .where(col(User.id).in_(recipients))
        .values(notification_seq=User.notification_seq + 1)
        .returning(col(User.id), col(User.notification_seq))
    )
    for user_id, seq in bumped.all():
        session.add(
            Notification(
                user_id=user_id, seq=seq, activity_id=activity.id, deal_id=deal.id, created_at=now
            )
        )
    await session.flush()
    return Recorded(activity=activity, notified_user_ids=recipients)
