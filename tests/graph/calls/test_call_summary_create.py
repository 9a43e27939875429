"""`callSummaryCreate`: vendor reps store a call and its summary, private to the vendor."""

from __future__ import annotations

from typing import Any

import pytest

from graph.relay import to_global_id
from tests.graph.team_world import World, deal_state, notified_kinds

CREATE = """
mutation Create($input: CallSummaryCreateInput!) {
  callSummaryCreate(input: $input) {
    callSummary {
      id overview keyTakeaways dealRisks techStack businessChallengesAndGoals nextSteps
      contactsInvolved { name jobTitle email }
      isShared sharedAt sharedBy { id }
      call { title occurredAt durationSeconds participants { name email } }
    }
    userErrors { field message code }
  }
}
"""

SUMMARIES = """
query Summaries($id: ID!) { deal(id: $id) { callSummaries { totalCount nodes { id } } } }
"""
NODE = "query Node($id: ID!) { node(id: $id) { id } }"


def summary_input(world: World, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "dealId": world.deal_id,
        "title": "Discovery call with Acme",
        "occurredAt": "2026-11-30T09:00:00+09:00",
        "durationSeconds": 1800,
        "participants": [{"name": "Victor Vendor", "email": "victor@vendor.example"}],
        "overview": "Acme wants to consolidate its CRM.",
        "keyTakeaways": ["Budget approved", "Decision in Q1"],
        "dealRisks": ["Competitor in late stage"],
        "techStack": ["Salesforce", "Snowflake"],
        "businessChallengesAndGoals": ["Fragmented customer data"],
        "contactsInvolved": [{"name": "Carol", "jobTitle": "CTO", "email": "carol@acme.example"}],
        "nextSteps": ["Send a proposal"],
    }
    values.update(overrides)
    return values


async def create(gql: Any, person: Any, world: World, **overrides: Any) -> dict[str, Any]:
    body = await gql(CREATE, person.token, {"input": summary_input(world, **overrides)})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["callSummaryCreate"]
    return result


async def summary_ids(gql: Any, person: Any, world: World) -> list[str]:
    body = await gql(SUMMARIES, person.token, {"id": world.deal_id})
    return [node["id"] for node in body["data"]["deal"]["callSummaries"]["nodes"]]


async def test_vendor_rep_stores_a_call_and_its_summary(gql, world):
    # when
    result = await create(gql, world.victor, world)
    # then
    assert result["userErrors"] == []
    summary = result["callSummary"]
    assert summary["overview"] == "Acme wants to consolidate its CRM."
    assert summary["keyTakeaways"] == ["Budget approved", "Decision in Q1"]
    assert summary["dealRisks"] == ["Competitor in late stage"]
    assert summary["techStack"] == ["Salesforce", "Snowflake"]
    assert summary["businessChallengesAndGoals"] == ["Fragmented customer data"]
    assert summary["nextSteps"] == ["Send a proposal"]
    assert summary["contactsInvolved"] == [
        {"name": "Carol", "jobTitle": "CTO", "email": "carol@acme.example"}
    ]
    assert summary["call"] == {
        "title": "Discovery call with Acme",
        "occurredAt": "2026-11-30T00:00:00+00:00",
        "durationSeconds": 1800,
        "participants": [{"name": "Victor Vendor", "email": "victor@vendor.example"}],
    }


async def test_a_new_summary_is_not_shared(gql, world):
    summary = (await create(gql, world.victor, world))["callSummary"]
    assert (summary["isShared"], summary["sharedAt"], summary["sharedBy"]) == (False, None, None)


async def test_the_vendor_sees_the_new_summary_and_the_partner_does_not(gql, world):
    # when
    summary_id = (await create(gql, world.victor, world))["callSummary"]["id"]
    # then
    assert await summary_ids(gql, world.vince, world) == [summary_id]
    assert await summary_ids(gql, world.alice, world) == []
    assert (await gql(NODE, world.alice.token, {"id": summary_id}))["data"]["node"] is None


async def test_storing_records_an_internal_activity(gql, world):
    await create(gql, world.victor, world)
    vendor_view = (await deal_state(gql, world, world.vince))["activities"]["nodes"]
    assert [(a["kind"], a["visibility"]) for a in vendor_view] == [
        ("CALL_SUMMARY_CREATED", "INTERNAL")
    ]
    assert (await deal_state(gql, world, world.alice))["activities"]["nodes"] == []


async def test_only_vendor_team_members_are_notified(gql, world):
    await create(gql, world.victor, world)
    assert await notified_kinds(gql, world.vince) == ["CALL_SUMMARY_CREATED"]
    for person in (world.victor, world.alice, world.bob, world.vera):
        assert await notified_kinds(gql, person) == []


async def test_storing_a_private_summary_leaves_the_deal_version_alone(gql, world):
    # the partner cannot see it, so their concurrent edits must not conflict over it
    before = (await deal_state(gql, world))["version"]
    await create(gql, world.victor, world)
    assert (await deal_state(gql, world))["version"] == before


async def test_partner_user_is_forbidden(gql, world):
    result = await create(gql, world.alice, world)
    assert result["callSummary"] is None
    assert [e["code"] for e in result["userErrors"]] == ["FORBIDDEN"]
    assert await summary_ids(gql, world.victor, world) == []


@pytest.mark.parametrize("deal_id", ["nope", to_global_id("Deal", 999_999)])
async def test_an_unknown_deal_is_not_found(gql, world, deal_id):
    result = await create(gql, world.victor, world, dealId=deal_id)
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]


ITEM = "x" * 2001
INVALID_INPUTS = [
    ({"title": " "}, ["title"]),
    ({"title": "x" * 301}, ["title"]),
    ({"occurredAt": "2026-11-30T09:00:00"}, ["occurredAt"]),
    ({"durationSeconds": -1}, ["durationSeconds"]),
    ({"durationSeconds": 86_401}, ["durationSeconds"]),
    ({"overview": "x" * 20_001}, ["overview"]),
    ({"keyTakeaways": ["fine", ""]}, ["keyTakeaways", "1"]),
    ({"dealRisks": [ITEM]}, ["dealRisks", "0"]),
    ({"techStack": [ITEM]}, ["techStack", "0"]),
    ({"businessChallengesAndGoals": [" "]}, ["businessChallengesAndGoals", "0"]),
    ({"nextSteps": [ITEM]}, ["nextSteps", "0"]),
    ({"participants": [{"name": ""}]}, ["participants", "0", "name"]),
    ({"participants": [{"name": "A", "email": "nope"}]}, ["participants", "0", "email"]),
    ({"contactsInvolved": [{"name": "C", "email": "@x"}]}, ["contactsInvolved", "0", "email"]),
    (
        {"contactsInvolved": [{"name": "C", "jobTitle": "x" * 201}]},
        ["contactsInvolved", "0", "jobTitle"],
    ),
]


@pytest.mark.parametrize(("overrides", "field"), INVALID_INPUTS)
async def test_invalid_input_is_refused_and_nothing_is_written(gql, world, overrides, field):
    result = await create(gql, world.victor, world, **overrides)
    assert result["callSummary"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", *field], "INVALID")
    ]
    assert await summary_ids(gql, world.victor, world) == []


@pytest.mark.parametrize(
    "section", ["keyTakeaways", "dealRisks", "techStack", "nextSteps", "participants"]
)
async def test_more_than_100_items_are_refused_before_execution(gql, world, section):
    # The HTTP endpoint refuses list inputs over 100 items (graph/limits.py); the
    # operation's own TOO_MANY backs it up for other callers.
    items: list[Any] = ["x"] * 101 if section != "participants" else [{"name": "P"}] * 101
    variables = {"input": summary_input(world, **{section: items})}
    body = await gql(CREATE, world.victor.token, variables)
    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    assert await summary_ids(gql, world.victor, world) == []


async def test_contacts_without_job_title_or_email_are_fine(gql, world):
    result = await create(gql, world.victor, world, contactsInvolved=[{"name": "Dan"}])
    contacts = result["callSummary"]["contactsInvolved"]
    assert contacts == [{"name": "Dan", "jobTitle": None, "email": None}]
