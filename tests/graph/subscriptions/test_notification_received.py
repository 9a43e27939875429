"""`notificationReceived`: replay after a cursor, then live; nothing lost, nothing twice."""

from __future__ import annotations

import asyncio

from db.models import AccountKind, ActivityKind
from graph.notifications.types import notification_cursor
from graph.relay import to_global_id

NOTIFICATIONS = """
subscription ($after: String) {
  notificationReceived(after: $after) { id cursor activity { id kind } deal { name } }
}
"""


async def _team(factory, partner=None, vendor=None):
    partner = partner or await factory.org(AccountKind.PARTNER)
    vendor = vendor or await factory.org(AccountKind.VENDOR)
    actor = await factory.person(partner, name="Actor")
    colleague = await factory.person(partner, name="Colleague")
    rep = await factory.person(vendor, name="Rep")
    deal = await factory.deal(partner, vendor, name="Acme", team=[actor, colleague, rep])
    return deal, actor, colleague, rep


async def test_live_notification_for_a_colleagues_change(factory, subscribe, change, cursor_of):
    # given
    deal, actor, colleague, _ = await _team(factory)
    after = await cursor_of(colleague)
    async with subscribe(colleague, NOTIFICATIONS, {"after": after}) as live:
        # when
        activity_id = await change(deal, actor, ActivityKind.TEAM_MEMBER_ADDED)
        # then
        event = (await live.next())["notificationReceived"]
    assert event["activity"] == {
        "id": to_global_id("Activity", activity_id),
        "kind": "TEAM_MEMBER_ADDED",
    }
    assert event["deal"] == {"name": "Acme"}


async def test_without_cursor_only_new_notifications_arrive(factory, subscribe, change):
    # given: a notification from before the subscription
    deal, actor, colleague, _ = await _team(factory)
    older = await change(deal, actor)
    async with subscribe(colleague, NOTIFICATIONS) as live:
        # when: changes keep coming (the subscription starts at some point among them)
        later = [await change(deal, actor) for _ in range(3)]
        first = (await live.next())["notificationReceived"]
        sentinel = await change(deal, actor)
        events = [first]
        while events[-1]["activity"]["id"] != to_global_id("Activity", sentinel):
            events.append((await live.next())["notificationReceived"])
    # then: never the older one, and the newer ones once each, in order
    received = [event["activity"]["id"] for event in events]
    expected = [to_global_id("Activity", pk) for pk in [*later, sentinel]]
    assert to_global_id("Activity", older) not in received
    assert received == expected[len(expected) - len(received) :]


async def test_reconnecting_with_a_cursor_replays_exactly_the_missed_ones_then_live(
    factory, subscribe, change, cursor_of
):
    # given: a subscriber saw one notification, then disconnected
    deal, actor, colleague, _ = await _team(factory)
    async with subscribe(colleague, NOTIFICATIONS, {"after": await cursor_of(colleague)}) as live:
        await change(deal, actor)
        last_seen = (await live.next())["notificationReceived"]["cursor"]
    missed = [await change(deal, actor) for _ in range(3)]
    # when: it reconnects with its last cursor
    async with subscribe(colleague, NOTIFICATIONS, {"after": last_seen}) as live:
        replayed = [(await live.next())["notificationReceived"] for _ in missed]
        newer = await change(deal, actor)
        following = (await live.next())["notificationReceived"]
    # then: exactly the three, in order, then the live one
    assert [event["activity"]["id"] for event in replayed] == [
        to_global_id("Activity", pk) for pk in missed
    ]
    assert following["activity"]["id"] == to_global_id("Activity", newer)


async def test_notifications_committed_during_the_replay_arrive_once_in_order(
    factory, subscribe, change
):
    # given: a long backlog
    deal, actor, colleague, _ = await _team(factory)
    backlog = [await change(deal, actor) for _ in range(120)]
    # when: more commit while the subscriber is still replaying
    async with subscribe(colleague, NOTIFICATIONS, {"after": notification_cursor(0)}) as live:
        first = (await live.next())["notificationReceived"]
        during = [await change(deal, actor) for _ in range(5)]
        rest = [(await live.next())["notificationReceived"] for _ in range(len(backlog) + 4)]
        sentinel = await change(deal, actor)
        last = (await live.next())["notificationReceived"]
    # then: every one exactly once, in commit order, and nothing after the sentinel's predecessor
    received = [event["activity"]["id"] for event in [first, *rest]]
    assert received == [to_global_id("Activity", pk) for pk in backlog + during]
    assert last["activity"]["id"] == to_global_id("Activity", sentinel)


async def test_own_changes_are_not_notified(factory, subscribe, change):
    deal, actor, colleague, _ = await _team(factory)
    async with subscribe(actor, NOTIFICATIONS, {"after": notification_cursor(0)}) as live:
        await change(deal, actor)  # the actor's own: nothing
        theirs = await change(deal, colleague)
        event = (await live.next())["notificationReceived"]
    assert event["activity"]["id"] == to_global_id("Activity", theirs)


async def test_removed_member_stops_receiving_the_deals_notifications_at_once(
    factory, subscribe, change, remove_member
):
    # given: a colleague subscribed, member of two deals
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    deal, actor, colleague, rep = await _team(factory, partner, vendor)
    second = await factory.deal(partner, vendor, name="Still on it", team=[colleague, actor])
    async with subscribe(colleague, NOTIFICATIONS, {"after": notification_cursor(0)}) as live:
        await change(deal, actor)
        assert (await live.next())["notificationReceived"]["deal"] == {"name": "Acme"}
        # when: they are taken off the team, then the deal changes again
        await remove_member(deal, colleague)
        await change(deal, actor)
        await change(deal, rep)
        # then: nothing from that deal; the next event is from a deal they are still on
        await change(second, actor)
        event = (await live.next())["notificationReceived"]
    assert event["deal"] == {"name": "Still on it"}


async def test_vendor_internal_activity_is_not_notified_to_partner_members(
    factory, subscribe, change
):
    deal, _, colleague, rep = await _team(factory)
    async with subscribe(colleague, NOTIFICATIONS, {"after": notification_cursor(0)}) as live:
        await change(deal, rep, ActivityKind.STAGE_CHANGED)  # INTERNAL to the vendor
        shared = await change(deal, rep, ActivityKind.AMOUNT_CHANGED)
        event = (await live.next())["notificationReceived"]
    assert event["activity"]["id"] == to_global_id("Activity", shared)


async def test_malformed_cursor_is_a_bad_user_input_error(factory, subscribe):
    _, _, colleague, _ = await _team(factory)
    async with subscribe(colleague, NOTIFICATIONS, {"after": "not a cursor"}) as live:
        error = await live.error()
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_many_subscribers_of_one_user_each_get_every_notification(factory, subscribe, change):
    deal, actor, colleague, _ = await _team(factory)
    start = {"after": notification_cursor(0)}
    async with (
        subscribe(colleague, NOTIFICATIONS, start) as one,
        subscribe(colleague, NOTIFICATIONS, start) as two,
    ):
        made = [await change(deal, actor) for _ in range(3)]
        got_one, got_two = await asyncio.gather(
            asyncio.gather(*[one.next() for _ in made]),
            asyncio.gather(*[two.next() for _ in made]),
        )
    expected = [to_global_id("Activity", pk) for pk in made]
    assert [e["notificationReceived"]["activity"]["id"] for e in got_one] == expected
    assert [e["notificationReceived"]["activity"]["id"] for e in got_two] == expected


SHARED_CHANGE = """
subscription ($after: String) {
  notificationReceived(after: $after) { activity { kind deal { stage { id } } } }
}
"""


async def test_one_change_reaching_both_companies_shows_each_its_own_account_view(
    factory, subscribe, change
):
    # given: a vendor rep and a partner user on one deal, each with their own pipeline
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    actor = await factory.person(partner)
    colleague = await factory.person(partner)
    rep = await factory.person(vendor)
    deal = await factory.deal(partner, vendor, team=[actor, colleague, rep])
    start = {"after": notification_cursor(0)}
    async with (
        subscribe(colleague, SHARED_CHANGE, start) as partner_side,
        subscribe(rep, SHARED_CHANGE, start) as vendor_side,
    ):
        # when: one shared change notifies both (they are delivered from one read)
        await change(deal, actor)
        seen_by_partner = (await partner_side.next())["notificationReceived"]["activity"]
        seen_by_vendor = (await vendor_side.next())["notificationReceived"]["activity"]
    # then: the same activity, but each sees the deal's stage in its own account's pipeline
    assert seen_by_partner["kind"] == seen_by_vendor["kind"]
    assert seen_by_partner["deal"]["stage"]["id"] == to_global_id(
        "PipelineStage", partner.stages[1].id
    )
    assert seen_by_vendor["deal"]["stage"]["id"] == to_global_id(
        "PipelineStage", vendor.stages[1].id
    )
