"""Saving and deleting a user's named deal views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import DealView, User, utcnow
from db.ops.activity import Recorded

MAX_NAME_LENGTH = 100


@dataclass(slots=True)
class ViewChange:
    """The saved (or just deleted) view; views are private, so no activity."""

    view: DealView
    recorded: list[Recorded] = field(default_factory=list)


async def save_view(
    *,
    session: AsyncSession,
    actor: User,
    view_id: int | None,
    name: str,
    filter: dict[str, Any],
) -> ViewChange:
    """Create a view (no `view_id`) or overwrite one of the actor's own.

    The name is trimmed, 1..100 characters (INVALID) and unique among the
    actor's views (DUPLICATE); another user's view is NOT_FOUND.
    """
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= MAX_NAME_LENGTH:
        raise DomainError(
            ErrorCode.INVALID, f"A name has 1 to {MAX_NAME_LENGTH} characters.", ("input", "name")
        )
    # Saves of one user serialise on their user row, so the name check below cannot race.
    await session.exec(select(User.id).where(User.id == actor.id).with_for_update(key_share=True))
    view = await _own_view(session=session, actor=actor, view_id=view_id) if view_id else None
    same_name = select(DealView.id).where(DealView.user_id == actor.id, DealView.name == cleaned)
    if view is not None:
        same_name = same_name.where(col(DealView.id) != view.id)
    if (await session.exec(same_name)).first() is not None:
        raise DomainError(
            ErrorCode.DUPLICATE, "You already have a view with that name.", ("input", "name")
        )
    now = utcnow()
    if view is None:
        assert actor.id is not None
        view = DealView(user_id=actor.id, created_at=now, name=cleaned)
    view.name = cleaned
    view.filter = filter
    view.updated_at = now
    session.add(view)
    await session.flush()
    return ViewChange(view=view)


async def delete_view(*, session: AsyncSession, actor: User, view_id: int | None) -> ViewChange:
    """Delete one of the actor's views; another user's view is NOT_FOUND."""
    view = await _own_view(session=session, actor=actor, view_id=view_id)
    await session.delete(view)
    await session.flush()
    return ViewChange(view=view)


async def _own_view(*, session: AsyncSession, actor: User, view_id: int | None) -> DealView:
    statement = select(DealView).where(DealView.id == view_id, DealView.user_id == actor.id)
    view = (await session.exec(statement)).first() if view_id is not None else None
    if view is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No deal view with that id.", ("input", "id"))
    return view
