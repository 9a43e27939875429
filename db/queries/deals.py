"""The deals list: filters, sort orders and keyset pages over the viewer's deals."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Deal, DealPlacement, DealProduct, DealTeamMember
from db.queries.visibility import active_registration_count


class DealSortField(enum.StrEnum):
    NAME = "NAME"
    AMOUNT = "AMOUNT"
    CLOSE_DATE = "CLOSE_DATE"
    CREATED_AT = "CREATED_AT"
    ACTIVE_DEAL_REGISTRATIONS = "ACTIVE_DEAL_REGISTRATIONS"


@dataclass(frozen=True, slots=True)
class DealFilterSpec:
    """A deal filter in database terms (primary keys, not global ids)."""

    active_gte: int | None = None
    active_lte: int | None = None
    pipeline_id: int | None = None
    stage_ids: tuple[int, ...] | None = None
    team_member_id: int | None = None
    product_ids: tuple[int, ...] | None = None
    close_from: date | None = None
    close_to: date | None = None
    name_contains: str | None = None


@dataclass(frozen=True, slots=True)
class DealPageRequest:
    """Which page of the list: sort, direction and keyset bounds."""

    sort: DealSortField = DealSortField.CREATED_AT
    descending: bool = True
    limit: int = 20
    after: tuple[Any, int] | None = None
    before: tuple[Any, int] | None = None
    from_end: bool = False  # `last`: take the page nearest the end


@dataclass(slots=True)
class DealPage:
    """One page of deals with their sort keys and whether more lie either side."""

    deals: list[Deal]
    keys: list[tuple[Any, int]]
    has_next: bool
    has_previous: bool
    extra: dict[str, Any] = field(default_factory=dict)


def sort_expression(sort: DealSortField, now: datetime) -> Any:
    """The SQL expression a sort field orders by."""
    return {
        DealSortField.NAME: col(Deal.name),
        DealSortField.AMOUNT: col(Deal.amount),
        DealSortField.CLOSE_DATE: col(Deal.close_date),
        DealSortField.CREATED_AT: col(Deal.created_at),
        DealSortField.ACTIVE_DEAL_REGISTRATIONS: active_registration_count(Deal.id, now),
    }[sort]


def parse_sort_value(sort: DealSortField, raw: Any) -> Any:
    """Turn a sort value read back from a cursor into its Python type; ValueError if bad."""
    if sort is DealSortField.NAME and isinstance(raw, str):
        return raw
    if sort is DealSortField.AMOUNT and isinstance(raw, str | int):
        return Decimal(str(raw))
    if sort is DealSortField.CLOSE_DATE and isinstance(raw, str):
        return date.fromisoformat(raw)
    if sort is DealSortField.CREATED_AT and isinstance(raw, str):
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            raise ValueError("cursor time without zone")
        return parsed
    if sort is DealSortField.ACTIVE_DEAL_REGISTRATIONS and type(raw) is int:
        return raw
    raise ValueError("cursor does not match the sort order")


def filtered_deals(account_id: int, spec: DealFilterSpec, now: datetime) -> Select[Any]:
    """Deals the account may see, filed in its own placement, narrowed by `spec`."""
    placement = and_(
        col(DealPlacement.deal_id) == Deal.id, col(DealPlacement.account_id) == account_id
    )
    conditions: list[Any] = []
    if spec.pipeline_id is None and spec.stage_ids is None:
        # A semi-join keeps the sort index of `deal` usable: the page is read in order
        # and each deal probed for the account's placement, instead of reading every
        # placement of the account and sorting them (SQLite's plan for the join).
        statement = select(Deal).where(exists().where(placement))
    else:
        statement = select(Deal).join(DealPlacement, placement)
    if spec.pipeline_id is not None:
        conditions.append(DealPlacement.pipeline_id == spec.pipeline_id)
    if spec.stage_ids is not None:
        conditions.append(col(DealPlacement.stage_id).in_(spec.stage_ids))
    if spec.team_member_id is not None:
        conditions.append(
            exists().where(
                col(DealTeamMember.deal_id) == Deal.id,
                col(DealTeamMember.user_id) == spec.team_member_id,
            )
        )
    if spec.product_ids is not None:
        conditions.append(
            exists().where(
                col(DealProduct.deal_id) == Deal.id,
                col(DealProduct.product_id).in_(spec.product_ids),
            )
        )
    if spec.close_from is not None:
        conditions.append(col(Deal.close_date) >= spec.close_from)
    if spec.close_to is not None:
        conditions.append(col(Deal.close_date) <= spec.close_to)
    if spec.name_contains:
        conditions.append(
            func.lower(Deal.name).contains(spec.name_contains.lower(), autoescape=True)
        )
    if spec.active_gte is not None or spec.active_lte is not None:
        active = active_registration_count(Deal.id, now)
        if spec.active_gte is not None:
            conditions.append(active >= spec.active_gte)
        if spec.active_lte is not None:
            conditions.append(active <= spec.active_lte)
    return statement.where(*conditions)


def _beyond(expression: Any, key: tuple[Any, int], forward: bool) -> Any:
    value, pk = key
    if forward:
        return or_(expression > value, and_(expression == value, col(Deal.id) > pk))
    return or_(expression < value, and_(expression == value, col(Deal.id) < pk))


async def count_deals(
    *, session: AsyncSession, account_id: int, spec: DealFilterSpec, now: datetime
) -> int:
    """How many deals match the filter (for `totalCount`)."""
    inner = filtered_deals(account_id, spec, now).with_only_columns(col(Deal.id)).subquery()
    return int((await session.execute(select(func.count()).select_from(inner))).scalar_one())


async def page_deals(
    *,
    session: AsyncSession,
    account_id: int,
    spec: DealFilterSpec,
    page: DealPageRequest,
    now: datetime,
) -> DealPage:
    """One keyset page: stable while rows are inserted or removed between pages."""
    sort_expr = sort_expression(page.sort, now)
    ascending = not page.descending
    statement = filtered_deals(account_id, spec, now).add_columns(sort_expr.label("sort_key"))
    if page.after is not None:
        statement = statement.where(_beyond(sort_expr, page.after, forward=ascending))
    if page.before is not None:
        statement = statement.where(_beyond(sort_expr, page.before, forward=not ascending))
    # `last` reads the list backwards from its end, then flips the page.
    read_ascending = ascending != page.from_end
    order = (
        (sort_expr.asc(), col(Deal.id).asc())
        if read_ascending
        else (
            sort_expr.desc(),
            col(Deal.id).desc(),
        )
    )
    rows = list((await session.execute(statement.order_by(*order).limit(page.limit + 1))).all())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    if page.from_end:
        rows.reverse()
    deals = [row[0] for row in rows]
    keys = [(row[1], row[0].id) for row in rows]
    if page.from_end:
        return DealPage(deals, keys, has_next=page.before is not None, has_previous=more)
    return DealPage(deals, keys, has_next=more, has_previous=page.after is not None)
