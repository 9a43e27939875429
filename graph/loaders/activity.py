"""Loaders for calls, call summaries and activities, with visibility applied."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from db.models import Activity, Call, CallSummary, Deal
from db.queries.visibility import activity_visible_to, call_summary_visible_to, deal_visible_to
from graph.loaders.base import ScopedLoader, many_per_key, one_per_key


class CallSummariesByDealLoader(ScopedLoader):
    """Each deal's call summaries the viewer may see, newest first."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[CallSummary]]:
        statement = (
            select(CallSummary)
            .where(col(CallSummary.deal_id).in_(keys), call_summary_visible_to(self.is_vendor))
            .order_by(col(CallSummary.id).desc())
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return many_per_key(keys, rows, lambda summary: summary.deal_id)


class CallSummaryByIdLoader(ScopedLoader):
    """Call summaries by id, None unless the viewer may see them."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[CallSummary | None]:
        statement = (
            select(CallSummary)
            .join(Deal, col(Deal.id) == CallSummary.deal_id)
            .where(
                col(CallSummary.id).in_(keys),
                deal_visible_to(self.account_id),
                call_summary_visible_to(self.is_vendor),
            )
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return one_per_key(keys, rows, lambda summary: summary.id)


class CallByIdLoader(ScopedLoader):
    """Calls by id (reached only through a visible summary)."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Call | None]:
        async with self.reader.session() as session:
            rows = (await session.exec(select(Call).where(col(Call.id).in_(keys)))).all()
        return one_per_key(keys, rows, lambda call: call.id)


class ActivitiesByDealLoader(ScopedLoader):
    """Each deal's activities the viewer's account may see, newest first."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Activity]]:
        statement = (
            select(Activity)
            .where(col(Activity.deal_id).in_(keys), activity_visible_to(self.account_id))
            .order_by(col(Activity.id).desc())
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return many_per_key(keys, rows, lambda activity: activity.deal_id)


class ActivityByIdLoader(ScopedLoader):
    """Activities by id, None unless the viewer's account may see them."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Activity | None]:
        statement = (
            select(Activity)
            .join(Deal, col(Deal.id) == Activity.deal_id)
            .where(
                col(Activity.id).in_(keys),
                deal_visible_to(self.account_id),
                activity_visible_to(self.account_id),
            )
        )
        async with self.reader.session() as session:
            rows = (await session.exec(statement)).all()
        return one_per_key(keys, rows, lambda activity: activity.id)
