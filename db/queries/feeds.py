"""What subscribers read when woken: a user's notifications and a deal's activities, in order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import ARRAY, Integer, Row, and_, bindparam, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Activity, Deal, Notification
from db.queries import in_chunks
from db.queries.visibility import activity_visible_to, deal_visible_to

FEED_PAGE = 100


async def last_notification_seq(*, session: AsyncSession, user_id: int) -> int:
    """The sequence number of the user's newest notification (0 if none)."""
    statement = select(func.max(col(Notification.seq))).where(col(Notification.user_id) == user_id)
    return (await session.exec(statement)).one() or 0


def _positions(session: AsyncSession, positions: Sequence[tuple[int, int]]) -> Any:
    """`(user_id, after_seq)` pairs as a table bound as one or two parameters, so the
    statement's SQL is the same for any number of pairs (compiled once, then cached)."""
    users = [user_id for user_id, _ in positions]
    afters = [after_seq for _, after_seq in positions]
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        return (
            func.unnest(
                bindparam("users", users, type_=ARRAY(Integer)),
                bindparam("afters", afters, type_=ARRAY(Integer)),
            )
            .table_valued("user_id", "after_seq", name="positions")
            .render_derived()
        )
    pairs = func.json_each(bindparam("positions", orjson.dumps(positions).decode())).table_valued(
        "value", name="pairs"
    )
    return select(
        func.json_extract(pairs.c.value, "$[0]").label("user_id"),
        func.json_extract(pairs.c.value, "$[1]").label("after_seq"),
    ).subquery("positions")


async def notifications_after_many(
    *, session: AsyncSession, positions: Sequence[tuple[int, int]], limit: int = FEED_PAGE
) -> Sequence[Row[Any]]:
    """For each `(user_id, after_seq)`, up to `limit` of the user's notifications after
    it, in user then sequence order: one query for every subscriber woken by a change.

    A user's sequence numbers run 1, 2, 3… without gaps (each is taken in the
    transaction that writes the notification, under a row lock held until commit, so
    they also become visible in order and `seq > after_seq` never skips one), and
    `seq <= after_seq + limit` bounds each user's rows: the query walks the
    `(user_id, seq)` index once per user.
    Plain rows, with the notification's column names as attributes: thousands of
    them are read at once, and ORM objects cost several times more to build.
    """
    if not positions:
        return []
    after = _positions(session, positions)
    statement = (
        select(*Notification.__table__.columns)  # type: ignore[attr-defined]
        .join(
            after,
            and_(
                col(Notification.user_id) == after.c.user_id,
                col(Notification.seq) > after.c.after_seq,
                col(Notification.seq) <= after.c.after_seq + limit,
            ),
        )
        .order_by(col(Notification.user_id), col(Notification.seq))
    )
    return (await session.execute(statement)).all()


async def activities_by_id(*, session: AsyncSession, ids: Iterable[int]) -> dict[int, Activity]:
    """Activities by id, without a visibility check (for rows already checked)."""
    found: dict[int, Activity] = {}
    for chunk in in_chunks(ids):
        rows = (await session.exec(select(Activity).where(col(Activity.id).in_(chunk)))).all()
        found.update((row.id, row) for row in rows if row.id is not None)
    return found


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
