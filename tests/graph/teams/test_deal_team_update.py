"""`dealTeamUpdate`: what an effective (or idempotent) batch writes and who is told."""

from __future__ import annotations

from tests.graph.teams.operations import (
    assert_nothing_written,
    deal_seen_by,
    member_ids,
    notifications_of,
    update,
)


async def test_adding_a_colleague_makes_them_a_member_added_by_the_actor(gql, world):
    # when
    result = await update(gql, world.alice, world, add=[world.bob.gid])

    # then
    assert result["userErrors"] == []
    assert member_ids(result) == {world.alice.gid, world.vera.gid, world.bob.gid}
    bob = next(m for m in result["team"]["members"] if m["user"]["id"] == world.bob.gid)
    assert bob["addedBy"] == {"id": world.alice.gid}
    assert bob["addedAt"]
    assert bob["account"]["kind"] == "PARTNER"
    assert result["deal"]["version"] == 2


async def test_adding_a_colleague_writes_one_shared_activity(gql, world):
    await update(gql, world.alice, world, add=[world.bob.gid])

    seen_by_vendor = await deal_seen_by(gql, world.vera, world)
    assert seen_by_vendor["activities"]["totalCount"] == 1
    activity = seen_by_vendor["activities"]["nodes"][0]
    assert activity["kind"] == "TEAM_MEMBER_ADDED"
    assert activity["visibility"] == "SHARED"
    assert activity["actor"] == {"id": world.alice.gid}
    assert activity["details"]["user_id"] == world.bob.id
    assert activity["details"]["user_name"] == "Bob"


async def test_adding_a_colleague_notifies_every_other_member_but_not_the_actor(gql, world):
    await update(gql, world.alice, world, add=[world.bob.gid])

    assert (await notifications_of(gql, world.alice))["unreadCount"] == 0
    for member in (world.bob, world.vera):
        notifications = await notifications_of(gql, member)
        assert notifications["unreadCount"] == 1
        assert notifications["nodes"][0]["activity"]["kind"] == "TEAM_MEMBER_ADDED"


async def test_adding_an_existing_member_again_writes_nothing(gql, world):
    await update(gql, world.alice, world, add=[world.bob.gid])

    result = await update(gql, world.alice, world, add=[world.bob.gid, world.alice.gid])

    assert result["userErrors"] == []
    assert result["deal"]["version"] == 2
    assert (await deal_seen_by(gql, world.vera, world))["activities"]["totalCount"] == 1
    assert (await notifications_of(gql, world.vera))["unreadCount"] == 1


async def test_removing_a_non_member_writes_nothing(gql, world):
    result = await update(gql, world.alice, world, remove=[world.bob.gid])

    assert result["userErrors"] == []
    await assert_nothing_written(gql, world)


async def test_the_same_id_twice_is_one_change(gql, world):
    result = await update(gql, world.alice, world, add=[world.bob.gid, world.bob.gid])

    assert result["deal"]["version"] == 2
    assert (await deal_seen_by(gql, world.vera, world))["activities"]["totalCount"] == 1


async def test_removing_a_member_writes_one_removal_activity(gql, world):
    await update(gql, world.alice, world, add=[world.bob.gid])

    result = await update(gql, world.alice, world, remove=[world.bob.gid])

    assert result["userErrors"] == []
    assert member_ids(result) == {world.alice.gid, world.vera.gid}
    assert result["deal"]["version"] == 3
    kinds = [a["kind"] for a in (await deal_seen_by(gql, world.vera, world))["activities"]["nodes"]]
    assert kinds == ["TEAM_MEMBER_REMOVED", "TEAM_MEMBER_ADDED"]


async def test_a_removed_member_is_told_nothing_from_their_removal_on(gql, factory, world):
    # given: Bob was added (one notification), then removed
    carol = await factory.person(world.partner, name="Carol")
    await update(gql, world.alice, world, add=[world.bob.gid])
    await update(gql, world.alice, world, remove=[world.bob.gid])

    # when: the deal changes again
    await update(gql, world.alice, world, add=[carol.gid])

    # then
    notifications = await notifications_of(gql, world.bob)
    assert [n["activity"]["kind"] for n in notifications["nodes"]] == ["TEAM_MEMBER_ADDED"]
    assert (await notifications_of(gql, world.vera))["unreadCount"] == 3


async def test_a_member_may_remove_themselves(gql, world):
    result = await update(gql, world.alice, world, remove=[world.alice.gid])

    assert member_ids(result) == {world.vera.gid}
    assert (await notifications_of(gql, world.vera))["unreadCount"] == 1


async def test_adding_and_removing_in_one_batch_notifies_the_team_after_the_batch(
    gql, factory, world
):
    # given
    carol = await factory.person(world.partner, name="Carol")
    await update(gql, world.alice, world, add=[world.bob.gid])

    # when
    result = await update(gql, world.alice, world, add=[carol.gid], remove=[world.bob.gid])

    # then: one version step, two activities, Carol told of both, Bob of neither
    assert result["deal"]["version"] == 3
    assert member_ids(result) == {world.alice.gid, world.vera.gid, carol.gid}
    assert (await notifications_of(gql, carol))["unreadCount"] == 2
    assert (await notifications_of(gql, world.bob))["unreadCount"] == 1
    assert (await notifications_of(gql, world.vera))["unreadCount"] == 3
