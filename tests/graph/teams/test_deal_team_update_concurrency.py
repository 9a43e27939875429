"""20 concurrent `dealTeamUpdate` calls on one deal serialise on the deal row (PostgreSQL)."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

import pytest
from sqlmodel import col, select

from db.models import AccountKind, Activity, Deal, DealTeamMember, Notification
from graph.relay import to_global_id

TEAM_UPDATE = """
mutation($input: DealTeamUpdateInput!) {
  dealTeamUpdate(input: $input) { deal { version } userErrors { code } }
}
"""

CALLS = 20


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_concurrent_team_updates_keep_team_history_and_version_consistent(
    gql, factory, database
):

    # given: each call made by its own actor, adds and removes overlapping on six colleagues
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    vera = await factory.person(vendor)
    pool = [await factory.person(partner) for _ in range(6)]
    actors = [await factory.person(partner) for _ in range(CALLS)]
    deal = await factory.deal(partner, vendor, team=[vera, pool[0], pool[1]])
    rng = random.Random(7)
    batches = []
    for _ in range(CALLS):
        picked = rng.sample(pool, k=4)
        batches.append(([p.gid for p in picked[:2]], [p.gid for p in picked[2:]]))

    # when
    results = await asyncio.gather(
        *(
            gql(
                TEAM_UPDATE,
                actor.token,
                {"input": {"dealId": to_global_id("Deal", deal.id), "add": add, "remove": rem}},
            )
            for actor, (add, rem) in zip(actors, batches, strict=True)
        )
    )

    # then: every call succeeded
    assert all(r["data"]["dealTeamUpdate"]["userErrors"] == [] for r in results), results
    async with database.session() as session:
        members = (
            await session.exec(
                select(DealTeamMember.user_id).where(DealTeamMember.deal_id == deal.id)
            )
        ).all()
        activities = (
            await session.exec(
                select(Activity).where(Activity.deal_id == deal.id).order_by(col(Activity.id))
            )
        ).all()
        notified: dict[int, set[int]] = defaultdict(set)
        for notification in (
            await session.exec(select(Notification).where(Notification.deal_id == deal.id))
        ).all():
            notified[notification.activity_id].add(notification.user_id)
        final = await session.get(Deal, deal.id)

    # no duplicate member
    assert len(members) == len(set(members))

    # each transaction's activities are contiguous; replaying them from the initial team,
    # every one is an effective change and the replay ends at the final team
    team = {vera.id, pool[0].id, pool[1].id}
    batches_seen: list[int] = []
    for activity in activities:
        if not batches_seen or batches_seen[-1] != activity.actor_id:
            assert activity.actor_id not in batches_seen, "a transaction's activities interleaved"
            batches_seen.append(activity.actor_id)
        user_id = activity.details["user_id"]
        if activity.kind == "TEAM_MEMBER_ADDED":
            assert user_id not in team
            team.add(user_id)
        else:
            assert activity.kind == "TEAM_MEMBER_REMOVED"
            assert user_id in team
            team.remove(user_id)
    assert team == set(members)

    # one version step per effective call; calls that changed nothing wrote nothing
    assert final is not None
    assert final.version == 1 + len(batches_seen)

    # every activity was notified to exactly the team after its batch, minus its actor
    team = {vera.id, pool[0].id, pool[1].id}
    by_actor: dict[int | None, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_actor[activity.actor_id].append(activity)
    for actor_id in batches_seen:
        batch = by_actor[actor_id]
        for activity in batch:
            changed = activity.details["user_id"]
            (team.add if activity.kind == "TEAM_MEMBER_ADDED" else team.discard)(changed)
        for activity in batch:
            assert notified[activity.id] == team - {actor_id}
