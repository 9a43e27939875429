"""The demo's shared deals; their history is replayed in time order through the activity fan-out."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.demo_calls import add_calls
from db.demo_data import COMPANIES, DEAL_SUFFIXES, FIRST_NAMES, LAST_NAMES
from db.demo_registrations import REGISTRATION_PLANS, add_registrations, plan_age_days
from db.demo_world import DealDraft, DemoWorld, Event, Timeline, pk
from db.models import (
    Activity,
    ActivityKind,
    Deal,
    DealPlacement,
    DealProduct,
    DealTeamMember,
    Notification,
    User,
    utcnow,
)
from db.ops.activity import record_activity

DEMO_DEAL_COUNT = 50


def _draft(world: DemoWorld, index: int, line: Timeline) -> DealDraft:
    rng = line.rng
    partner = world.partners[index % len(world.partners)]
    plan_index = index % len(REGISTRATION_PLANS)
    age = plan_age_days(REGISTRATION_PLANS[plan_index], rng, line.expiry_days)
    created_at = line.now - timedelta(days=age, minutes=rng.randint(0, 24 * 60))
    creator_side = partner if rng.random() < 0.7 else world.vendor
    creator = rng.choice(creator_side.active_users)
    company = COMPANIES[index % len(COMPANIES)]
    domain = company.lower().replace(" & ", "-").replace(" ", "-") + ".example"
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    closed = age > 45 and rng.random() < 0.3
    if closed:
        close_date = (created_at + timedelta(days=rng.randint(20, 40))).date()
    else:
        close_date = (line.now + timedelta(days=rng.randint(7, 180))).date()
    currency = rng.choices(["USD", "EUR", "JPY"], weights=[7, 2, 1])[0]
    amount = Decimal(rng.randrange(40, 2500) * 100)
    if currency == "JPY":
        amount = Decimal(int(amount * 150 // 1000) * 1000)
    products = rng.sample(world.products, k=rng.randint(1, 3))
    deal = Deal(
        name=f"{company} – {rng.choice(DEAL_SUFFIXES)}",
        amount=amount,
        currency=currency,
        close_date=close_date,
        partner_account_id=partner.id,
        vendor_account_id=world.vendor.id,
        company_name=company,
        company_domain=domain,
        contact_name=f"{first} {last}",
        contact_email=f"{first.lower()}.{last.lower()}@{domain}",
        intro_note=(
            f"{creator.name} introduced {first} {last} of {company}, interested in "
            + ", ".join(product.name for product in products)
            + "."
        ),
        created_by_id=creator.id,
        created_at=created_at,
        updated_at=created_at,
    )
    return DealDraft(
        deal=deal,
        partner=partner,
        vendor=world.vendor,
        creator_side=creator_side,
        creator=creator,
        closed=closed,
        won=rng.random() < 0.6,
        products=products,
        plan_index=plan_index,
    )


def _member(draft: DealDraft, user: User, by: User, at: datetime) -> DealTeamMember:
    draft.team.setdefault(user.account_id, []).append(user)
    return DealTeamMember(
        deal_id=draft.deal_id, user_id=pk(user), account_id=user.account_id, added_by_id=by.id,
        added_at=at,
    )  # fmt: skip


def _plan_team(draft: DealDraft, line: Timeline) -> None:
    rng, deal, created = line.rng, draft.deal, draft.deal.created_at
    colleagues = [u for u in draft.creator_side.active_users if u is not draft.creator]
    rows: list[SQLModel] = [_member(draft, draft.creator, draft.creator, created)]
    if colleagues and rng.random() < 0.5:
        rows.append(_member(draft, rng.choice(colleagues), draft.creator, created))
    line.events.append(
        Event(created, deal, ActivityKind.DEAL_SHARED, draft.creator, draft.creator_side.id,
              {"name": deal.name, "amount": str(deal.amount), "currency": deal.currency}, rows)
    )  # fmt: skip
    other = draft.other_side()
    joining = rng.sample(other.active_users, k=rng.randint(1, 2))
    at = created
    for position, user in enumerate(joining):
        at = line.after(at, min_hours=2, max_hours=40)
        by = user if position == 0 else joining[0]
        line.events.append(
            Event(at, deal, ActivityKind.TEAM_MEMBER_ADDED, by, other.id,
                  {"user_id": user.id, "user_name": user.name, "account_id": other.id},
                  [_member(draft, user, by, at)])
        )  # fmt: skip
    spare = [u for u in colleagues if u not in draft.team[draft.creator_side.id]]
    if spare and rng.random() < 0.15:
        # A colleague helped for a while and left: shows removals in the history.
        added = line.after(at, min_hours=24, max_hours=72)
        removed = line.after(added, min_hours=24, max_hours=96)
        user, side = rng.choice(spare), draft.creator_side.id
        row = _member(draft, user, draft.creator, added)
        draft.team[side].remove(user)
        details = {"user_id": user.id, "user_name": user.name, "account_id": side}
        line.events.append(
            Event(added, deal, ActivityKind.TEAM_MEMBER_ADDED, draft.creator, side, details, [row])
        )
        line.events.append(
            Event(removed, deal, ActivityKind.TEAM_MEMBER_REMOVED, draft.creator, side, details,
                  remove=row)
        )  # fmt: skip


def _plan_placements(draft: DealDraft, session: AsyncSession, line: Timeline) -> None:
    rng = line.rng
    for side in (draft.partner, draft.vendor):
        # Most deals sit in the account's shared-deal pipeline; some older ones in another.
        pipeline, stages = side.pipelines[0] if rng.random() < 0.8 else side.pipelines[1]
        open_stages = [stage for stage in stages if not stage.is_closed]
        if draft.closed:
            stage = next(s for s in stages if s.is_closed and (s.probability > 0) == draft.won)
        else:
            stage = rng.choice(open_stages)
        session.add(
            DealPlacement(deal_id=draft.deal_id, account_id=side.id, pipeline_id=pk(pipeline),
                          stage_id=pk(stage))
        )  # fmt: skip
        if stage.position > 0 and rng.random() < 0.4:
            mover = rng.choice(draft.team.get(side.id) or side.active_users)
            line.events.append(
                Event(line.after(draft.deal.created_at, min_hours=72, max_hours=600), draft.deal,
                      ActivityKind.STAGE_CHANGED, mover, side.id,
                      {"pipeline_id": pk(pipeline), "pipeline": pipeline.name,
                       "from_pipeline_id": pk(pipeline), "from_pipeline": pipeline.name,
                       "from_stage_id": pk(stages[stage.position - 1]),
                       "from_stage": stages[stage.position - 1].name,
                       "to_stage_id": pk(stage), "to_stage": stage.name})
            )  # fmt: skip


def _plan_products_and_changes(
    draft: DealDraft, session: AsyncSession, world: DemoWorld, line: Timeline
) -> None:
    rng, deal = line.rng, draft.deal
    session.add_all(DealProduct(deal_id=draft.deal_id, product_id=pk(p)) for p in draft.products)
    members = [user for users in draft.team.values() for user in users]
    if rng.random() < 0.4:
        dropped = rng.choice([p for p in world.products if p not in draft.products])
        actor = rng.choice(members)
        line.events.append(
            Event(line.after(deal.created_at, min_hours=30, max_hours=300), deal,
                  ActivityKind.PRODUCTS_CHANGED, actor, actor.account_id,
                  {"added": [{"product_id": pk(draft.products[0]), "name": draft.products[0].name}],
                   "removed": [{"product_id": pk(dropped), "name": dropped.name}]})
        )  # fmt: skip
    if rng.random() < 0.2:
        actor = rng.choice(members)
        earlier = deal.close_date - timedelta(days=rng.randint(10, 40))
        line.events.append(
            Event(line.after(deal.created_at, min_hours=48, max_hours=500), deal,
                  ActivityKind.CLOSE_DATE_CHANGED, actor, actor.account_id,
                  {"from": earlier.isoformat(), "to": deal.close_date.isoformat()})
        )  # fmt: skip
    if rng.random() < 0.2:
        actor = rng.choice(members)
        line.events.append(
            Event(line.after(deal.created_at, min_hours=48, max_hours=500), deal,
                  ActivityKind.AMOUNT_CHANGED, actor, actor.account_id,
                  {"from": str(deal.amount * 8 // 10), "to": str(deal.amount),
                   "currency": deal.currency})
        )  # fmt: skip


async def _replay(*, session: AsyncSession, events: list[Event]) -> None:
    """Record every event in time order, so notification cursors follow the clock."""
    events.sort(key=lambda event: event.at)
    for event in events:
        session.add_all(event.rows)
        if event.remove is not None:
            await session.delete(event.remove)
        recorded = await record_activity(
            session=session, deal=event.deal, kind=event.kind, actor=event.actor,
            account_id=event.account_id, details=event.details,
            call_summary_id=event.call_summary_id,
        )  # fmt: skip
        recorded.activity.occurred_at = event.at
        if event.kind is not ActivityKind.DEAL_SHARED:
            event.deal.version += 1
        event.deal.updated_at = max(event.deal.updated_at, event.at)
    await session.flush()


async def _backdate_and_read_notifications(*, session: AsyncSession, line: Timeline) -> None:
    """Give notifications their activity's time and mark each user's older ones read."""
    occurred = (
        sa_select(col(Activity.occurred_at))
        .where(col(Activity.id) == col(Notification.activity_id))
        .scalar_subquery()
    )
    await session.execute(
        update(Notification)
        .values(created_at=occurred)
        .execution_options(synchronize_session=False)
    )
    rows = (
        await session.exec(
            select(Notification.id, Notification.seq, User.notification_seq, Activity.occurred_at)
            .join(User, col(User.id) == col(Notification.user_id))
            .join(Activity, col(Activity.id) == col(Notification.activity_id))
        )
    ).all()
    reads = [
        {"id": nid, "read_at": line.after(occurred, min_hours=1, max_hours=30)}
        for nid, seq, last_seq, occurred in rows
        if seq <= last_seq * 0.6
    ]
    if reads:
        await session.execute(update(Notification), reads)


async def create_demo_deals(
    *, session: AsyncSession, world: DemoWorld, rng: random.Random, expiry_days: int
) -> list[Deal]:
    """Make the demo deals with placements, teams, registrations, calls and their history."""
    line = Timeline(rng=rng, now=utcnow(), expiry_days=expiry_days)
    drafts = [_draft(world, index, line) for index in range(DEMO_DEAL_COUNT)]
    session.add_all(draft.deal for draft in drafts)
    await session.flush()
    for draft in drafts:
        _plan_team(draft, line)
        _plan_placements(draft, session, line)
        _plan_products_and_changes(draft, session, world, line)
        await add_registrations(
            session=session, draft=draft, plan=REGISTRATION_PLANS[draft.plan_index], line=line
        )
        await add_calls(session=session, draft=draft, line=line)
    await _replay(session=session, events=line.events)
    await _backdate_and_read_notifications(session=session, line=line)
    return [draft.deal for draft in drafts]
