"""`dealActivity`: a deal's activities as they happen, only what the viewer's account may see."""

from __future__ import annotations

from db.models import AccountKind, ActivityKind
from graph.relay import encode_cursor, to_global_id

DEAL_ACTIVITY = """
subscription ($dealId: ID!, $after: String) {
  dealActivity(dealId: $dealId, after: $after) { id kind visibility actor { name } }
}
"""


async def _deal(factory):
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    agent = await factory.person(partner, name="Agent")
    rep = await factory.person(vendor, name="Rep")
    deal = await factory.deal(partner, vendor, team=[agent, rep])
    return deal, agent, rep, vendor


def _variables(deal, after=0):
    """Follow `deal` from activity id `after` (0: from its first activity)."""
    return {"dealId": to_global_id("Deal", deal.id), "after": encode_cursor([after])}


async def test_activities_arrive_as_they_commit(factory, subscribe, change):
    deal, agent, rep, _ = await _deal(factory)
    async with subscribe(agent, DEAL_ACTIVITY, _variables(deal)) as live:
        made = [await change(deal, rep, ActivityKind.AMOUNT_CHANGED) for _ in range(2)]
        events = [(await live.next())["dealActivity"] for _ in made]
    assert [event["id"] for event in events] == [to_global_id("Activity", pk) for pk in made]
    assert events[0]["actor"] == {"name": "Rep"}


async def test_partner_never_sees_an_internal_vendor_activity(factory, subscribe, change):
    # given: a partner following the deal
    deal, agent, rep, _ = await _deal(factory)
    async with subscribe(agent, DEAL_ACTIVITY, _variables(deal)) as live:
        # when: the vendor moves the deal in its own pipeline, then makes a shared change
        await change(deal, rep, ActivityKind.STAGE_CHANGED)
        shared = await change(deal, rep, ActivityKind.CLOSE_DATE_CHANGED)
        event = (await live.next())["dealActivity"]
    # then: only the shared one
    assert event["id"] == to_global_id("Activity", shared)
    assert event["visibility"] == "SHARED"


async def test_vendor_sees_its_own_internal_activity(factory, subscribe, change):
    deal, _, rep, vendor = await _deal(factory)
    colleague = await factory.person(vendor)
    async with subscribe(colleague, DEAL_ACTIVITY, _variables(deal)) as live:
        internal = await change(deal, rep, ActivityKind.STAGE_CHANGED)
        event = (await live.next())["dealActivity"]
    assert event["id"] == to_global_id("Activity", internal)
    assert event["visibility"] == "INTERNAL"


async def test_deal_of_another_account_is_not_found(factory, subscribe):
    deal, _, _, _ = await _deal(factory)
    outsider = await factory.person(await factory.org(AccountKind.PARTNER))
    async with subscribe(outsider, DEAL_ACTIVITY, _variables(deal)) as live:
        error = await live.error()
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_malformed_deal_id_is_not_found(factory, subscribe):
    _, agent, _, _ = await _deal(factory)
    async with subscribe(agent, DEAL_ACTIVITY, {"dealId": "nonsense"}) as live:
        error = await live.error()
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_resuming_after_an_activity_cursor_replays_what_followed(factory, subscribe, change):
    # given: activities made while nobody was following
    deal, agent, rep, _ = await _deal(factory)
    seen = await change(deal, rep, ActivityKind.AMOUNT_CHANGED)
    missed = [await change(deal, rep, ActivityKind.AMOUNT_CHANGED) for _ in range(3)]
    # when
    async with subscribe(agent, DEAL_ACTIVITY, _variables(deal, after=seen)) as live:
        events = [(await live.next())["dealActivity"] for _ in missed]
    # then
    assert [event["id"] for event in events] == [to_global_id("Activity", pk) for pk in missed]
