"""The viewer's notification list."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from db.models import Notification as NotificationRow
from graph.context import Info
from graph.notifications.types import Notification, NotificationConnection
from graph.relay import paginate_list


async def resolve_notifications(
    info: Info,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    unread_only: bool,
) -> NotificationConnection:
    """The viewer's notifications, newest first, with the unread count."""
    user_id = info.context.viewer.user_id
    statement = select(NotificationRow).where(NotificationRow.user_id == user_id)
    if unread_only:
        statement = statement.where(col(NotificationRow.read_at).is_(None))
    unread = select(func.count(col(NotificationRow.id))).where(
        col(NotificationRow.user_id) == user_id, col(NotificationRow.read_at).is_(None)
    )
    async with info.context.database.session() as session:
        rows = (await session.exec(statement.order_by(col(NotificationRow.seq).desc()))).all()
        unread_count = (await session.exec(unread)).one()
    page = paginate_list(
        rows,
        key=lambda row: row.seq,
        first=first,
        after=after,
        last=last,
        before=before,
        wrap=Notification.from_row,
    )
    return NotificationConnection(
        edges=page.edges, page_info=page.page_info, _count=page._count, _unread=unread_count
    )
