"""The expiry sweep: lapsed approvals become EXPIRED with a REGISTRATION_EXPIRED activity."""

from __future__ import annotations

from datetime import timedelta

from db.models import RegistrationStatus
from db.ops.registrations import expire_lapsed_registrations
from tests.graph.team_world import deal_state, notified_kinds


async def sweep(database):
    async with database.transaction() as session:
        return await expire_lapsed_registrations(session=session)


async def test_a_lapsed_approval_is_counted_expired_before_any_sweep(gql, world, factory):
    await factory.registration(
        world.deal, world.alice, RegistrationStatus.APPROVED, expires_in=timedelta(days=-1)
    )
    assert (await deal_state(gql, world))["activeDealRegistrations"] == 0


async def test_the_sweep_stores_expired_and_records_an_activity(gql, world, factory, database):
    # given
    await factory.registration(
        world.deal, world.alice, RegistrationStatus.APPROVED, expires_in=timedelta(days=-1)
    )
    # when
    recorded = await sweep(database)
    # then
    state = await deal_state(gql, world)
    assert [r["status"] for r in state["registrations"]] == ["EXPIRED"]
    activity = state["activities"]["nodes"][0]
    assert activity["kind"] == "REGISTRATION_EXPIRED"
    assert activity["actor"] is None
    assert (activity["details"]["before"], activity["details"]["after"]) == ("APPROVED", "EXPIRED")
    assert len(recorded) == 1


async def test_the_whole_team_is_notified_of_an_expiry(gql, world, factory, database):
    await factory.registration(
        world.deal, world.alice, RegistrationStatus.APPROVED, expires_in=timedelta(days=-1)
    )
    await sweep(database)
    for person in (world.alice, world.bob, world.victor):
        assert await notified_kinds(gql, person) == ["REGISTRATION_EXPIRED"]


async def test_unexpired_and_other_registrations_are_left_alone(gql, world, factory, database):
    await factory.registration(
        world.deal, world.alice, RegistrationStatus.APPROVED, expires_in=timedelta(days=1)
    )
    await factory.registration(world.deal, world.victor)
    assert await sweep(database) == []
    state = await deal_state(gql, world)
    assert sorted(r["status"] for r in state["registrations"]) == ["APPROVED", "SUBMITTED"]


async def test_a_second_sweep_changes_nothing(gql, world, factory, database):
    await factory.registration(
        world.deal, world.alice, RegistrationStatus.APPROVED, expires_in=timedelta(days=-1)
    )
    await sweep(database)
    before = await deal_state(gql, world)
    assert await sweep(database) == []
    assert await deal_state(gql, world) == before
