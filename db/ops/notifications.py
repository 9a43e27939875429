"""Marking the actor's notifications read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import BatchError, DomainError, ErrorCode
from db.models import Notification, User, utcnow
from db.ops.activity import Recorded
from db.ops.deals import check_batch_size


@dataclass(slots=True)
class MarkedRead:
    """The notifications named, now read, and how many stay unread."""

    notifications: list[Notification]
    unread_count: int
    recorded: list[Recorded] = field(default_factory=list)


async def mark_read(
    *, session: AsyncSession, actor: User, ids: Sequence[int | None], all: bool
) -> MarkedRead:
    """Mark the named notifications (or, with `all`, every one) of the actor read.

    Ids of other users' notifications, unknown or malformed (None) ones are
    NOT_FOUND and nothing is marked. Notifications already read keep the time
    they were first read.
    """
    check_batch_size(ids, ("input", "ids"))
    wanted = {pk for pk in ids if pk is not None}
    rows = (
        await session.exec(
            select(Notification).where(
                col(Notification.id).in_(wanted), Notification.user_id == actor.id
            )
        )
    ).all()
    found = {row.id: row for row in rows}
    missing = [
        DomainError(ErrorCode.NOT_FOUND, "No notification with that id.", ("input", "ids", i))
        for i, pk in enumerate(ids)
        if pk not in found
    ]
    if missing:
        raise BatchError(missing)

    now = utcnow()
    unread = (col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None))
    if all:
        await session.execute(update(Notification).where(*unread).values(read_at=now))
    elif found:
        await session.execute(
            update(Notification).where(*unread, col(Notification.id).in_(found)).values(read_at=now)
        )
    reread = select(Notification).where(col(Notification.id).in_(found))
    found = {
        row.id: row
        for row in (await session.exec(reread.execution_options(populate_existing=True))).all()
    }
    count = select(func.count(col(Notification.id))).where(*unread)
    return MarkedRead(
        notifications=[found[pk] for pk in dict.fromkeys(ids) if pk is not None],
        unread_count=(await session.exec(count)).one(),
    )
