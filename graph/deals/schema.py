"""Deal queries: one deal, and the deals list ("deals home")."""

from __future__ import annotations

import strawberry
from sqlmodel import col, select

from db.models import DealView as DealViewRow
from graph.context import Info
from graph.deals.filters import DealFilter, DealOrder, from_json, sort_of, to_spec
from graph.deals.prefetch import field_names, prefetch_deals
from graph.deals.resolvers import resolve_deals
from graph.deals.types import Deal
from graph.relay import Connection, pk_of


@strawberry.type
class DealQuery:
    @strawberry.field(description="A deal by id; null when it does not exist or is not visible.")
    async def deal(self, info: Info, id: strawberry.ID) -> Deal | None:
        pk = pk_of(id, "Deal")
        if pk is None:
            return None
        row = await info.context.loaders.deal_by_id.load(pk)
        if row is None:
            return None
        names = field_names(info.selected_fields[0].selections)
        await prefetch_deals(info.context.loaders, [row], names)
        return Deal.from_row(row)

    @strawberry.field(
        description=(
            "The viewer's deals, filtered and sorted, with cursor pagination (at most 100 per "
            "page). `viewId` applies a saved deal view's filter (combined with `filter`)."
        )
    )
    async def deals(
        self,
        info: Info,
        filter: DealFilter | None = None,
        order_by: DealOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        view_id: strawberry.ID | None = None,
    ) -> Connection[Deal]:
        if view_id is not None:
            filter = await _view_filter(info, view_id, filter)
        sort, descending = sort_of(order_by)
        return await resolve_deals(
            info,
            spec=to_spec(filter),
            sort=sort,
            descending=descending,
            first=first,
            after=after,
            last=last,
            before=before,
        )


async def _view_filter(info: Info, view_id: str, given: DealFilter | None) -> DealFilter:
    """The saved view's filter, with fields of `given` taking precedence."""
    from graphql import GraphQLError

    pk = pk_of(view_id, "DealView")
    row = None
    if pk is not None:
        async with info.context.database.session() as session:
            statement = select(DealViewRow).where(
                col(DealViewRow.id) == pk, col(DealViewRow.user_id) == info.context.viewer.user_id
            )
            row = (await session.exec(statement)).first()
    if row is None:
        raise GraphQLError(
            "No deal view with that id.", extensions={"code": "NOT_FOUND", "argument": "viewId"}
        )
    saved = from_json(row.filter)
    if given is None:
        return saved
    for name, value in vars(given).items():
        if value is not None:
            setattr(saved, name, value)
    return saved
