"""Running one change from a mutation resolver: one transaction, then wake subscribers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from db.ops.activity import Recorded
from graph.context import Info
from graph.publish import publish_recorded

logger = logging.getLogger("graph.changes")


class Change(Protocol):
    """What a db operation returns: at least the activities it recorded."""

    @property
    def recorded(self) -> Sequence[Recorded]: ...


C = TypeVar("C", bound=Change)


async def commit_change(info: Info, operation: Callable[[AsyncSession], Awaitable[C]]) -> C:
    """Run `operation` in one write transaction (retried after a deadlock); then publish.

    A publish failure is logged, not raised: the change is committed and
    subscribers catch up from the database by cursor.
    """
    context = info.context
    change = await context.database.run_transaction(operation)
    try:
        await publish_recorded(context.broker, change.recorded)
    except Exception:
        logger.exception("publishing committed activities failed")
    context.reset_loaders()
    return change
