"""Resolvers for the deals list and single deals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from graphql import GraphQLError

from db.models import utcnow
from db.queries.deals import (
    DealFilterSpec,
    DealPageRequest,
    DealSortField,
    count_deals,
    page_deals,
    parse_sort_value,
)
from graph.context import Info
from graph.deals.prefetch import connection_node_names, prefetch_deals
from graph.deals.types import Deal
from graph.relay import (
    DEFAULT_PAGE_SIZE,
    Connection,
    Edge,
    InvalidCursorError,
    PageInfo,
    check_page_args,
    decode_cursor,
    encode_cursor,
)


def _key(cursor: str | None, argument: str, sort: DealSortField) -> tuple[object, int] | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, argument)
    if len(values) != 3 or values[0] != sort.value or type(values[2]) is not int:
        raise InvalidCursorError(argument)
    try:
        return parse_sort_value(sort, values[1]), values[2]
    except ValueError:
        raise InvalidCursorError(argument) from None


async def resolve_deals(
    info: Info,
    *,
    spec: DealFilterSpec,
    sort: DealSortField,
    descending: bool,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Deal]:
    """A keyset-paginated page of the viewer's deals."""
    check_page_args(first, last)
    if spec.active_gte is not None and spec.active_gte < 0:
        raise GraphQLError(
            "`activeDealRegistrations.gte` must not be negative.",
            extensions={"code": "BAD_USER_INPUT"},
        )
    context = info.context
    now = utcnow()
    request = DealPageRequest(
        sort=sort,
        descending=descending,
        limit=last if last is not None else (first if first is not None else DEFAULT_PAGE_SIZE),
        after=_key(after, "after", sort),
        before=_key(before, "before", sort),
        from_end=last is not None,
    )
    account_id = context.viewer.account_id
    async with context.loaders.reader.session() as session:
        page = await page_deals(
            session=session, account_id=account_id, spec=spec, page=request, now=now
        )
    await prefetch_deals(
        context.loaders, page.deals, connection_node_names(info.selected_fields[0].selections)
    )
    loader = context.loaders.deal_by_id
    edges = []
    for deal, (value, pk) in zip(page.deals, page.keys, strict=True):
        loader.prime(pk, deal)
        edges.append(Edge(cursor=encode_cursor([sort.value, value, pk]), node=Deal.from_row(deal)))

    def counter() -> Callable[[], Awaitable[int]]:
        async def count() -> int:
            async with context.database.session() as session:
                return await count_deals(session=session, account_id=account_id, spec=spec, now=now)

        return count

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=counter(),
    )
