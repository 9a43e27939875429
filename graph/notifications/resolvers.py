"""The viewer's notification list: keyset pages over the per-user sequence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from db.models import Notification as NotificationRow
from graph.context import Info
from graph.notifications.types import Notification, NotificationConnection
from graph.relay import (
    DEFAULT_PAGE_SIZE,
    Edge,
    InvalidCursorError,
    PageInfo,
    check_page_args,
    decode_cursor,
)


def _seq(cursor: str | None, argument: str) -> int | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, argument)
    if len(values) != 1 or type(values[0]) is not int:
        raise InvalidCursorError(argument)
    return int(values[0])


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
    check_page_args(first, last)
    after_seq, before_seq = _seq(after, "after"), _seq(before, "before")
    user_id = info.context.viewer.user_id
    database = info.context.database
    conditions: list[Any] = [col(NotificationRow.user_id) == user_id]
    if unread_only:
        conditions.append(col(NotificationRow.read_at).is_(None))
    window = list(conditions)
    if after_seq is not None:  # newest first: "after" means older
        window.append(col(NotificationRow.seq) < after_seq)
    if before_seq is not None:
        window.append(col(NotificationRow.seq) > before_seq)
    from_end = last is not None
    limit: int = last if last is not None else (first if first is not None else DEFAULT_PAGE_SIZE)
    order = col(NotificationRow.seq).asc() if from_end else col(NotificationRow.seq).desc()
    statement = select(NotificationRow).where(*window).order_by(order).limit(limit + 1)
    unread = select(func.count(col(NotificationRow.id))).where(
        col(NotificationRow.user_id) == user_id, col(NotificationRow.read_at).is_(None)
    )
    async with database.session() as session:
        rows = list((await session.exec(statement)).all())
        unread_count = (await session.exec(unread)).one()
    more = len(rows) > limit
    rows = rows[:limit]
    if from_end:
        rows.reverse()
    edges = [Edge(cursor=(node := Notification.from_row(row)).cursor, node=node) for row in rows]

    async def count() -> int:
        total = select(func.count(col(NotificationRow.id))).where(*conditions)
        async with database.session() as session:
            return int((await session.exec(total)).one())

    return NotificationConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=before_seq is not None if from_end else more,
            has_previous_page=more if from_end else after_seq is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=count,
        _unread=unread_count,
    )
