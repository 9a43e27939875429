"""The hand-written baseline: one Starlette endpoint, SQLAlchemy Core, no GraphQL.

It serves the deals-home page with byte-identical JSON to the GraphQL server's
answer to `bench.operations.DEALS_HOME`, doing the same authentication and the
same reads, so the ratio between the two is the cost of the GraphQL layer.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from db.config import normalize_database_url
from db.models import (
    Account,
    ApiToken,
    CallSummary,
    Deal,
    DealPlacement,
    DealProduct,
    DealRegistration,
    DealTeamMember,
    PipelineStage,
    Product,
    User,
    utcnow,
)
from graph.runtime import tune_process

deal, placement, stage = Deal.__table__, DealPlacement.__table__, PipelineStage.__table__  # type: ignore[attr-defined]
member, user, account = DealTeamMember.__table__, User.__table__, Account.__table__  # type: ignore[attr-defined]
deal_product, product = DealProduct.__table__, Product.__table__  # type: ignore[attr-defined]
registration, summary, token = DealRegistration.__table__, CallSummary.__table__, ApiToken.__table__  # type: ignore[attr-defined]


def gid(type_name: str, pk: int) -> str:
    """A Relay global id."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def unauthorized() -> Response:
    """401 like the GraphQL endpoint's."""
    return Response(
        b'{"errors":[{"message":"unauthenticated"}]}', 401, media_type="application/json"
    )


async def viewer(conn: AsyncConnection, header: str | None) -> tuple[int, bool] | None:
    """(account id, is vendor) of a live bearer token."""
    if not header or not header.startswith("Bearer "):
        return None
    digest = hashlib.sha256(header[7:].strip().encode()).hexdigest()
    row = (
        await conn.execute(
            select(token.c.revoked_at, user.c.is_active, account.c.id, account.c.kind)
            .join(user, user.c.id == token.c.user_id)
            .join(account, account.c.id == user.c.account_id)
            .where(token.c.token_hash == digest)
        )
    ).first()
    if row is None or row.revoked_at is not None or not row.is_active:
        return None
    return row.id, row.kind == "VENDOR"


async def deals_home(request: Request) -> Response:
    """The first page of the viewer's deals, newest first, as the deals home renders it."""
    body = orjson.loads(await request.body())
    first = int((body.get("variables") or {}).get("first") or 20)
    now = utcnow()
    async with request.app.state.engine.connect() as conn:
        found = await viewer(conn, request.headers.get("authorization"))
        if found is None:
            return unauthorized()
        account_id, is_vendor = found
        placed = and_(placement.c.deal_id == deal.c.id, placement.c.account_id == account_id)
        page = (
            await conn.execute(
                select(
                    deal.c.id,
                    deal.c.name,
                    deal.c.amount,
                    deal.c.currency,
                    deal.c.close_date,
                    deal.c.created_at,
                )
                .where(exists().where(placed))
                .order_by(deal.c.created_at.desc(), deal.c.id.desc())
                .limit(first + 1)
            )
        ).all()
        more, page = len(page) > first, page[:first]
        ids = [row.id for row in page]
        stages = {
            row.deal_id: row
            for row in await conn.execute(
                select(placement.c.deal_id, stage.c.id, stage.c.name)
                .join(stage, stage.c.id == placement.c.stage_id)
                .where(placement.c.deal_id.in_(ids), placement.c.account_id == account_id)
            )
        }
        team = await conn.execute(
            select(
                member.c.deal_id,
                member.c.added_at,
                user.c.id,
                user.c.name,
                account.c.id.label("account_id"),
                account.c.name.label("account"),
            )
            .join(user, user.c.id == member.c.user_id)
            .join(account, account.c.id == member.c.account_id)
            .where(member.c.deal_id.in_(ids))
            .order_by(member.c.added_at, member.c.id)
        )
        members: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in team:
            members[row.deal_id].append({
                "addedAt": row.added_at.isoformat(),
                "user": {"id": gid("User", row.id), "name": row.name},
                "account": {"id": gid("Account", row.account_id), "name": row.account},
            })  # fmt: skip
        products: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in await conn.execute(
            select(deal_product.c.deal_id, product.c.id, product.c.name)
            .join(product, product.c.id == deal_product.c.product_id)
            .where(deal_product.c.deal_id.in_(ids))
            .order_by(product.c.hub, product.c.tier, product.c.id)
        ):
            products[row.deal_id].append({"id": gid("Product", row.id), "name": row.name})
        active = dict(
            (
                await conn.execute(
                    select(registration.c.deal_id, func.count(registration.c.id))
                    .where(
                        registration.c.deal_id.in_(ids),
                        registration.c.status.in_(("SUBMITTED", "APPROVED")),
                        or_(registration.c.expires_at.is_(None), registration.c.expires_at > now),
                    )
                    .group_by(registration.c.deal_id)
                )
            ).all()
        )
        latest: dict[int, str] = {}
        visible = [summary.c.deal_id.in_(ids)]
        if not is_vendor:
            visible.append(summary.c.shared_at.is_not(None))
        for row in await conn.execute(
            select(summary.c.deal_id, summary.c.overview)
            .where(*visible)
            .order_by(summary.c.id.desc())
        ):
            latest.setdefault(row.deal_id, row.overview)
    edges = []
    for row in page:
        cursor = base64.urlsafe_b64encode(orjson.dumps(["CREATED_AT", row.created_at, row.id]))
        overview, placed_in = latest.get(row.id), stages[row.id]
        edges.append({
            "cursor": cursor.decode(),
            "node": {
                "id": gid("Deal", row.id), "name": row.name, "amount": str(row.amount),
                "currency": row.currency, "closeDate": row.close_date.isoformat(),
                "stage": {"id": gid("PipelineStage", placed_in.id), "name": placed_in.name},
                "team": {"members": members.get(row.id, [])},
                "productsOfInterest": products.get(row.id, []),
                "activeDealRegistrations": active.get(row.id, 0),
                "callSummaries": {"nodes": [] if overview is None else [{"overview": overview}]},
            },
        })  # fmt: skip
    payload = {
        "data": {
            "deals": {
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": more,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
            }
        }
    }
    return Response(orjson.dumps(payload), media_type="application/json")


async def healthz(_request: Request) -> Response:
    """The process is alive."""
    return Response(b'{"status":"ok"}', media_type="application/json")


def create_baseline_app() -> Starlette:
    """The baseline app on $DATABASE_URL."""
    url = normalize_database_url(os.environ["DATABASE_URL"])
    engine = create_async_engine(url, pool_size=10, max_overflow=20)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        tune_process()  # the same process tuning as the GraphQL server
        yield
        await engine.dispose()

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/deals-home", deals_home, methods=["POST"]),
            Route("/healthz", healthz),
        ],
    )
    app.state.engine = engine
    return app
