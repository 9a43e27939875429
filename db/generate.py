"""Many generated shared deals for load tests, written with bulk inserts in batches."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from tqdm import tqdm

from db.config import Settings
from db.demo import DemoRefusedError, load_demo
from db.engine import Database
from db.generate_rows import BatchRows, GeneratorContext, Placement, Side, build_batch
from db.models import (
    Account,
    AccountKind,
    AccountSettings,
    Activity,
    Call,
    CallSummary,
    Deal,
    DealPlacement,
    DealProduct,
    DealRegistration,
    DealTeamMember,
    Notification,
    Pipeline,
    PipelineStage,
    Product,
    User,
    utcnow,
)

BATCH_SIZE = 2_000
SQLITE_CACHE_KIB = 256 * 1024


def table(model: Any) -> Table:
    """The Core table of a model class."""
    result: Table = model.__table__
    return result


async def _side(conn: AsyncConnection, account_id: int, shared_pipeline_id: int | None) -> Side:
    users = await conn.execute(
        select(table(User).c.id).where(
            table(User).c.account_id == account_id, table(User).c.is_active.is_(True)
        )
    )
    stages = (
        await conn.execute(
            select(
                table(Pipeline).c.id, table(PipelineStage).c.id, table(PipelineStage).c.is_closed
            )
            .join(table(PipelineStage), table(PipelineStage).c.pipeline_id == table(Pipeline).c.id)
            .where(table(Pipeline).c.account_id == account_id)
            .order_by(table(Pipeline).c.position, table(PipelineStage).c.position)
        )
    ).all()
    by_pipeline: dict[int, Placement] = {}
    for pipeline_id, stage_id, is_closed in stages:
        placement = by_pipeline.setdefault(pipeline_id, Placement(pipeline_id, [], []))
        (placement.closed_stage_ids if is_closed else placement.open_stage_ids).append(stage_id)
    placements = [p for p in by_pipeline.values() if p.open_stage_ids]
    placements.sort(key=lambda p: p.pipeline_id != shared_pipeline_id)
    return Side(account_id, list(users.scalars().all()), placements)


async def load_context(*, database: Database, settings: Settings) -> GeneratorContext:
    """Read accounts, active users, pipelines and products that generated deals use."""
    async with database.engine.connect() as conn:
        accounts = (
            await conn.execute(
                select(
                    table(Account).c.id,
                    table(Account).c.kind,
                    table(AccountSettings).c.shared_deal_pipeline_id,
                )
                .outerjoin(
                    table(AccountSettings),
                    table(AccountSettings).c.account_id == table(Account).c.id,
                )
                .order_by(table(Account).c.id)
            )
        ).all()
        sides = {
            account_id: (kind, await _side(conn, account_id, pipeline_id))
            for account_id, kind, pipeline_id in accounts
        }
        products = (await conn.execute(select(table(Product).c.id, table(Product).c.name))).all()
        deal_count = (await conn.execute(select(func.count()).select_from(table(Deal)))).scalar()
    usable = [(k, s) for k, s in sides.values() if s.user_ids and s.placements]
    vendors = [side for kind, side in usable if kind == AccountKind.VENDOR]
    partners = [side for kind, side in usable if kind == AccountKind.PARTNER]
    if not vendors or not partners or not products:
        raise ValueError("need a vendor, a partner (with active users and pipelines) and products")
    now = utcnow()
    return GeneratorContext(
        vendor=vendors[0],
        partners=partners,
        product_ids=[row[0] for row in products],
        product_names={row[0]: row[1] for row in products},
        expiry_days=settings.registration_expiry_days,
        first_number=int(deal_count or 0) + 1,
        today=now.date(),
        now=now,
    )


async def _insert_returning_ids(
    conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]
) -> list[int]:
    if not rows:
        return []
    statement = insert(table(model)).returning(table(model).c.id, sort_by_parameter_order=True)
    return list((await conn.execute(statement, rows)).scalars().all())


async def _insert(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(table(model)), rows)


async def _bump_notification_seqs(
    conn: AsyncConnection, notifications: list[dict[str, Any]]
) -> None:
    """Number the batch's notifications after each user's last seq, under the user row lock."""
    user_ids = sorted({row["user_id"] for row in notifications})
    if not user_ids:
        return
    users = table(User)
    current = await conn.execute(
        select(users.c.id, users.c.notification_seq)
        .where(users.c.id.in_(user_ids))
        .order_by(users.c.id)
        .with_for_update(key_share=True)
    )
    last_seq = dict(current.tuples().all())
    for row in notifications:
        last_seq[row["user_id"]] += 1
        row["seq"] = last_seq[row["user_id"]]
    await conn.execute(
        update(users)
        .where(users.c.id == bindparam("b_id"))
        .values(notification_seq=bindparam("b_seq")),
        [{"b_id": user_id, "b_seq": seq} for user_id, seq in last_seq.items()],
    )


async def _write_batch(conn: AsyncConnection, rows: BatchRows) -> None:
    deal_ids = await _insert_returning_ids(conn, Deal, rows.deals)
    rows.resolve_deal_ids(deal_ids)
    await _insert(conn, DealPlacement, rows.placements)
    await _insert(conn, DealTeamMember, rows.team_members)
    await _insert(conn, DealProduct, rows.products)
    await _insert(conn, DealRegistration, rows.registrations)
    call_ids = await _insert_returning_ids(conn, Call, rows.calls)
    rows.resolve_call_ids(call_ids)
    summary_ids = await _insert_returning_ids(conn, CallSummary, rows.summaries)
    rows.resolve_summary_ids(summary_ids)
    await _insert(conn, Activity, rows.activities)
    notified_ids = await _insert_returning_ids(conn, Activity, rows.notified_activities)
    rows.resolve_notified_activity_ids(notified_ids)
    await _bump_notification_seqs(conn, rows.notifications)
    await _insert(conn, Notification, rows.notifications)


async def generate_deals(
    *,
    database: Database,
    settings: Settings,
    count: int,
    seed: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: bool = True,
    tokens_path: Path | None = None,
) -> int:
    """Add `count` generated deals on top of the demo accounts (loaded first when empty)."""
    if settings.production:
        raise DemoRefusedError("generated deals are never written to a production database")
    if count <= 0:
        return 0
    await load_demo(database=database, settings=settings, tokens_path=tokens_path)
    context = await load_context(database=database, settings=settings)
    rng = random.Random(seed)
    written = 0
    with tqdm(total=count, unit="deal", disable=not progress, dynamic_ncols=True) as bar:
        while written < count:
            size = min(batch_size, count - written)
            rows = build_batch(
                context=context, rng=rng, first_number=context.first_number + written, size=size
            )
            async with database.transaction() as session:
                conn = await session.connection()
                if database.is_sqlite:
                    # Index pages of a large database stay in memory between batches.
                    await conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                await _write_batch(conn, rows)
            written += size
            bar.update(size)
    return written
