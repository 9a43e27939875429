"""The deals list's filter and order inputs, and their translation to database terms."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import strawberry
from graphql import GraphQLError

from db.queries.deals import DealFilterSpec, DealSortField
from graph.enums import DealOrderField
from graph.relay import MAX_PAGE_SIZE, pk_of


@strawberry.input(description="An inclusive integer range; either end may be left open.")
class IntRange:
    gte: int | None = strawberry.field(default=None, description="At least this.")
    lte: int | None = strawberry.field(default=None, description="At most this.")


@strawberry.input(description="An inclusive date range; either end may be left open.")
class DateRange:
    from_: date | None = strawberry.field(default=None, name="from", description="On or after.")
    to: date | None = strawberry.field(default=None, description="On or before.")


@strawberry.input(description="Narrows the deals list; all given conditions must hold.")
class DealFilter:
    active_deal_registrations: IntRange | None = strawberry.field(
        default=None, description="Number of active registrations, e.g. `{gte: 1}`."
    )
    pipeline_id: strawberry.ID | None = strawberry.field(
        default=None, description="Deals filed in this pipeline of the viewer's account."
    )
    stage_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Deals in any of these stages of the viewer's account."
    )
    team_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Deals whose team includes this user ('my deals')."
    )
    product_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Deals interested in any of these products."
    )
    close_date: DateRange | None = strawberry.field(default=None, description="Close date range.")
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the deal's name."
    )


@strawberry.enum(description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="How the deals list is sorted; ties break on the deal id.")
class DealOrder:
    field: DealOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="ASC or DESC."
    )


_UNMATCHABLE = -1  # a foreign or malformed id matches nothing, like an id that does not exist


def _pk(global_id: str, type_name: str) -> int:
    pk = pk_of(global_id, type_name)
    return _UNMATCHABLE if pk is None else pk


def _pks(global_ids: list[strawberry.ID], type_name: str, argument: str) -> tuple[int, ...]:
    if len(global_ids) > MAX_PAGE_SIZE:
        raise GraphQLError(
            f"`{argument}` takes at most {MAX_PAGE_SIZE} ids.",
            extensions={"code": "BAD_USER_INPUT", "argument": argument},
        )
    return tuple(_pk(global_id, type_name) for global_id in global_ids)


def to_spec(value: DealFilter | None) -> DealFilterSpec:
    """The filter in database terms."""
    if value is None:
        return DealFilterSpec()
    active = value.active_deal_registrations
    close = value.close_date
    return DealFilterSpec(
        active_gte=active.gte if active else None,
        active_lte=active.lte if active else None,
        pipeline_id=_pk(value.pipeline_id, "Pipeline") if value.pipeline_id else None,
        stage_ids=_pks(value.stage_ids, "PipelineStage", "stageIds")
        if value.stage_ids is not None
        else None,
        team_member_id=_pk(value.team_member_id, "User") if value.team_member_id else None,
        product_ids=_pks(value.product_ids, "Product", "productIds")
        if value.product_ids is not None
        else None,
        close_from=close.from_ if close else None,
        close_to=close.to if close else None,
        name_contains=value.name_contains[:200] if value.name_contains else None,
    )


def to_json(value: DealFilter) -> dict[str, Any]:
    """The filter as stored in a saved deal view (global ids kept as given)."""
    result: dict[str, Any] = {}
    if value.active_deal_registrations:
        result["activeDealRegistrations"] = {
            "gte": value.active_deal_registrations.gte,
            "lte": value.active_deal_registrations.lte,
        }
    for key, item in (
        ("pipelineId", value.pipeline_id),
        ("stageIds", value.stage_ids),
        ("teamMemberId", value.team_member_id),
        ("productIds", value.product_ids),
        ("nameContains", value.name_contains),
    ):
        if item is not None:
            result[key] = item
    if value.close_date:
        result["closeDate"] = {
            "from": value.close_date.from_.isoformat() if value.close_date.from_ else None,
            "to": value.close_date.to.isoformat() if value.close_date.to else None,
        }
    return result


def from_json(data: dict[str, Any]) -> DealFilter:
    """A saved view's filter back as an input value."""
    active = data.get("activeDealRegistrations")
    close = data.get("closeDate")
    return DealFilter(
        active_deal_registrations=IntRange(gte=active.get("gte"), lte=active.get("lte"))
        if active
        else None,
        pipeline_id=data.get("pipelineId"),
        stage_ids=data.get("stageIds"),
        team_member_id=data.get("teamMemberId"),
        product_ids=data.get("productIds"),
        close_date=DateRange(
            from_=date.fromisoformat(close["from"]) if close.get("from") else None,
            to=date.fromisoformat(close["to"]) if close.get("to") else None,
        )
        if close
        else None,
        name_contains=data.get("nameContains"),
    )


def sort_of(order: DealOrder | None) -> tuple[DealSortField, bool]:
    """Sort field and whether descending; newest first by default."""
    if order is None:
        return DealSortField.CREATED_AT, True
    return DealSortField(order.field), order.direction is OrderDirection.DESC
