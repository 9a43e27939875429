"""`callSummaryShare`: vendor users share a summary; from then on the partner sees it."""

from __future__ import annotations

import asyncio
from typing import Any

from graph.relay import to_global_id
from tests.graph.calls.test_call_summary_create import NODE, create, summary_ids
from tests.graph.team_world import World, deal_state, notified_kinds

SHARE = """
mutation Share($input: CallSummaryShareInput!) {
  callSummaryShare(input: $input) {
    callSummary { id isShared sharedAt sharedBy { id } }
    userErrors { field message code }
  }
}
"""

SHARED_TAB = """
query Shared($id: ID!) {
  deal(id: $id) {
    activities(shared: true) { nodes { kind actor { id } callSummary { id overview } } }
  }
}
"""


async def share(gql: Any, person: Any, summary_id: str) -> dict[str, Any]:
    body = await gql(SHARE, person.token, {"input": {"callSummaryId": summary_id}})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["callSummaryShare"]
    return result


async def stored(gql: Any, world: World) -> str:
    summary_id: str = (await create(gql, world.victor, world))["callSummary"]["id"]
    return summary_id


async def test_a_partner_sees_a_summary_only_after_it_is_shared(gql, world):
    # given
    summary_id = await stored(gql, world)
    assert await summary_ids(gql, world.alice, world) == []
    # when
    result = await share(gql, world.vince, summary_id)
    # then
    assert result["userErrors"] == []
    assert await summary_ids(gql, world.alice, world) == [summary_id]
    node = await gql(NODE, world.alice.token, {"id": summary_id})
    assert node["data"]["node"] == {"id": summary_id}


async def test_sharing_records_who_and_when(gql, world):
    summary = (await share(gql, world.vince, await stored(gql, world)))["callSummary"]
    assert summary["isShared"] is True
    assert summary["sharedAt"] is not None
    assert summary["sharedBy"] == {"id": world.vince.gid}


async def test_sharing_adds_a_shared_activity_the_partner_sees(gql, world):
    summary_id = await stored(gql, world)
    await share(gql, world.vince, summary_id)
    body = await gql(SHARED_TAB, world.alice.token, {"id": world.deal_id})
    assert body["data"]["deal"]["activities"]["nodes"] == [
        {
            "kind": "CALL_SUMMARY_SHARED",
            "actor": {"id": world.vince.gid},
            "callSummary": {"id": summary_id, "overview": "Acme wants to consolidate its CRM."},
        }
    ]


async def test_sharing_notifies_the_whole_team_except_the_sharer(gql, world):
    await share(gql, world.vince, await stored(gql, world))
    assert await notified_kinds(gql, world.alice) == ["CALL_SUMMARY_SHARED"]
    assert await notified_kinds(gql, world.bob) == ["CALL_SUMMARY_SHARED"]
    assert await notified_kinds(gql, world.victor) == ["CALL_SUMMARY_SHARED"]
    assert await notified_kinds(gql, world.vince) == ["CALL_SUMMARY_CREATED"]
    assert await notified_kinds(gql, world.pat) == []


async def test_sharing_bumps_the_deal_version(gql, world):
    summary_id = await stored(gql, world)
    before = (await deal_state(gql, world))["version"]
    await share(gql, world.vince, summary_id)
    assert (await deal_state(gql, world))["version"] == before + 1


async def test_sharing_twice_changes_nothing(gql, world):
    # given
    summary_id = await stored(gql, world)
    first = (await share(gql, world.vince, summary_id))["callSummary"]
    before = await deal_state(gql, world)
    # when
    again = await share(gql, world.victor, summary_id)
    # then
    assert again["userErrors"] == []
    assert again["callSummary"] == first
    assert await deal_state(gql, world) == before
    assert await notified_kinds(gql, world.alice) == ["CALL_SUMMARY_SHARED"]


async def test_partner_user_is_forbidden(gql, world):
    summary_id = await stored(gql, world)
    result = await share(gql, world.alice, summary_id)
    assert [e["code"] for e in result["userErrors"]] == ["FORBIDDEN"]
    assert await summary_ids(gql, world.alice, world) == []


async def test_an_unknown_summary_is_not_found(gql, world):
    for summary_id in (to_global_id("CallSummary", 999_999), "junk", world.deal_id):
        result = await share(gql, world.victor, summary_id)
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
            (["input", "callSummaryId"], "NOT_FOUND")
        ]


async def test_a_partner_asking_for_an_unshared_summary_gets_nothing(gql, world, factory):
    summary = await factory.call_summary(world.deal, world.victor)
    summary_id = to_global_id("CallSummary", summary.id)
    body = await gql(NODE, world.alice.token, {"id": summary_id})
    assert body["data"]["node"] is None


async def test_concurrent_shares_record_one_activity(gql, world):
    # given
    summary_id = await stored(gql, world)
    before = (await deal_state(gql, world))["version"]
    # when
    sharers = [world.victor, world.vince] * 3
    results = await asyncio.gather(*(share(gql, p, summary_id) for p in sharers))
    # then
    assert all(r["userErrors"] == [] for r in results)
    assert len({r["callSummary"]["sharedAt"] for r in results}) == 1
    state = await deal_state(gql, world)
    assert [a["kind"] for a in state["activities"]["nodes"]] == ["CALL_SUMMARY_SHARED"]
    assert state["version"] == before + 1
