"""Write transactions: a deadlock between two changes is retried, not returned as a fault."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import func, select

from db.models import AccountKind, Activity, ActivityKind, Deal, Notification
from db.ops.activity import record_activity


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_crossed_notification_locks_deadlock_once_and_both_changes_land(database, factory):
    # given: two deals whose teams are different people
    vendor = await factory.org(AccountKind.VENDOR)
    partner = await factory.org()
    rep = await factory.person(vendor)
    ann = await factory.person(partner)
    bob = await factory.person(partner)
    deal_a = await factory.deal(partner, vendor, team=[ann])
    deal_b = await factory.deal(partner, vendor, team=[bob])
    first_locks_taken = [asyncio.Event(), asyncio.Event()]
    attempts = [0, 0]

    def change(me: int, first: Deal, second: Deal):
        async def operation(session):
            attempts[me] += 1
            await record_activity(
                session=session,
                deal=first,
                kind=ActivityKind.AMOUNT_CHANGED,
                actor=rep.user,
                account_id=vendor.id,
                details={},
            )
            first_locks_taken[me].set()
            await first_locks_taken[1 - me].wait()
            await record_activity(
                session=session,
                deal=second,
                kind=ActivityKind.AMOUNT_CHANGED,
                actor=rep.user,
                account_id=vendor.id,
                details={},
            )

        return operation

    # when: each change locks one recipient, then wants the other's
    await asyncio.gather(
        database.run_transaction(change(0, deal_a, deal_b)),
        database.run_transaction(change(1, deal_b, deal_a)),
    )

    # then: one of them was rolled back and run again; all four activities landed once
    assert sorted(attempts) == [1, 2]
    async with database.session() as session:
        activities = (await session.exec(select(func.count()).select_from(Activity))).one()
        seqs = (await session.exec(select(Notification.user_id, Notification.seq))).all()
    assert activities == 4
    assert sorted(seqs) == sorted([(ann.id, 1), (ann.id, 2), (bob.id, 1), (bob.id, 2)])
