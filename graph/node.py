"""`node(id:)`: any object by global id, null when missing or not visible."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from sqlmodel import col, select

from db.models import DealView as DealViewRow
from db.models import Notification as NotificationRow
from db.models import utcnow
from db.queries import nodes
from graph.accounts.types import Account, User
from graph.activity.types import Activity
from graph.calls.types import Call, CallSummary
from graph.context import Info
from graph.deals.types import Deal, DealRegistration
from graph.notifications.types import Notification
from graph.pipelines.types import Pipeline, PipelineStage, Product
from graph.relay import Node, from_global_id
from graph.views.types import DealView

Resolver = Callable[[Info, int], Awaitable[Node | None]]


async def _deal(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.deal_by_id.load(pk)
    return Deal.from_row(row) if row else None


async def _registration(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.registration_by_id.load(pk)
    return DealRegistration.from_row(row, now=utcnow()) if row else None


async def _call_summary(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.call_summary_by_id.load(pk)
    return CallSummary.from_row(row) if row else None


async def _activity(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.activity_by_id.load(pk)
    return Activity.from_row(row) if row else None


async def _product(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.product_by_id.load(pk)
    return Product.from_row(row) if row else None


async def _account(info: Info, pk: int) -> Node | None:
    account_id = info.context.viewer.account_id
    async with info.context.database.session() as session:
        row = await nodes.visible_account(session=session, viewer_account_id=account_id, pk=pk)
    return Account.from_row(row) if row else None


async def _user(info: Info, pk: int) -> Node | None:
    account_id = info.context.viewer.account_id
    async with info.context.database.session() as session:
        row = await nodes.visible_user(session=session, viewer_account_id=account_id, pk=pk)
    return User.from_row(row) if row else None


async def _pipeline(info: Info, pk: int) -> Node | None:
    async with info.context.database.session() as session:
        row = await nodes.own_pipeline(
            session=session, account_id=info.context.viewer.account_id, pk=pk
        )
    return Pipeline.from_row(row) if row else None


async def _stage(info: Info, pk: int) -> Node | None:
    async with info.context.database.session() as session:
        row = await nodes.own_stage(
            session=session, account_id=info.context.viewer.account_id, pk=pk
        )
    return PipelineStage.from_row(row) if row else None


async def _call(info: Info, pk: int) -> Node | None:
    viewer = info.context.viewer
    async with info.context.database.session() as session:
        summary = await nodes.visible_call_summary_of_call(
            session=session, account_id=viewer.account_id, is_vendor=viewer.is_vendor, call_id=pk
        )
    if summary is None:
        return None
    row = await info.context.loaders.call_by_id.load(pk)
    return Call.from_row(row) if row else None


async def _notification(info: Info, pk: int) -> Node | None:
    statement = select(NotificationRow).where(
        col(NotificationRow.id) == pk, col(NotificationRow.user_id) == info.context.viewer.user_id
    )
    async with info.context.database.session() as session:
        row = (await session.exec(statement)).first()
    return Notification.from_row(row) if row else None


async def _deal_view(info: Info, pk: int) -> Node | None:
    statement = select(DealViewRow).where(
        col(DealViewRow.id) == pk, col(DealViewRow.user_id) == info.context.viewer.user_id
    )
    async with info.context.database.session() as session:
        row = (await session.exec(statement)).first()
    return DealView.from_row(row) if row else None


RESOLVERS: dict[str, Resolver] = {
    "Deal": _deal,
    "DealRegistration": _registration,
    "CallSummary": _call_summary,
    "Call": _call,
    "Activity": _activity,
    "Product": _product,
    "Account": _account,
    "User": _user,
    "Pipeline": _pipeline,
    "PipelineStage": _stage,
    "Notification": _notification,
    "DealView": _deal_view,
}


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global id; null when it does not exist or is not visible."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None:
            return None
        resolver = RESOLVERS.get(decoded[0])
        return await resolver(info, decoded[1]) if resolver else None
