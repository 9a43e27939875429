"""`dealRegistrationSubmit`: either side registers an existing deal, one live one per account."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from db.models import RegistrationStatus
from graph.relay import to_global_id
from tests.graph.team_world import deal_state, notified_kinds

SUBMIT = """
mutation Submit($input: DealRegistrationSubmitInput!) {
  dealRegistrationSubmit(input: $input) {
    registration { id status isActive submittedBy { id } account { id } decidedBy { id } }
    deal { id version activeDealRegistrations }
    userErrors { field message code }
  }
}
"""


async def submit(gql, person, deal_id):
    body = await gql(SUBMIT, person.token, {"input": {"dealId": deal_id}})
    assert "errors" not in body, body
    return body["data"]["dealRegistrationSubmit"]


async def test_partner_user_registers_a_deal(gql, world):
    # when
    result = await submit(gql, world.alice, world.deal_id)
    # then
    assert result["userErrors"] == []
    registration = result["registration"]
    assert registration["status"] == "SUBMITTED"
    assert registration["isActive"] is True
    assert registration["submittedBy"] == {"id": world.alice.gid}
    assert registration["account"] == {"id": to_global_id("Account", world.partner.id)}
    assert registration["decidedBy"] is None
    assert result["deal"]["activeDealRegistrations"] == 1


async def test_vendor_user_registers_a_deal(gql, world):
    result = await submit(gql, world.victor, world.deal_id)
    assert result["registration"]["account"] == {"id": to_global_id("Account", world.vendor.id)}


async def test_submitting_bumps_the_deal_version(gql, world):
    before = (await deal_state(gql, world))["version"]
    result = await submit(gql, world.alice, world.deal_id)
    assert result["deal"]["version"] == before + 1


async def test_submitting_records_a_shared_activity(gql, world):
    # when
    registration_id = (await submit(gql, world.alice, world.deal_id))["registration"]["id"]
    # then: the vendor sees it too
    activity = (await deal_state(gql, world, world.victor))["activities"]["nodes"][0]
    assert activity["kind"] == "REGISTRATION_SUBMITTED"
    assert activity["visibility"] == "SHARED"
    assert activity["actor"] == {"id": world.alice.gid}
    assert activity["details"]["before"] is None
    assert activity["details"]["after"] == "SUBMITTED"
    assert to_global_id("DealRegistration", activity["details"]["registration_id"]) == (
        registration_id
    )


async def test_team_members_but_not_the_actor_are_notified(gql, world):
    # when
    await submit(gql, world.alice, world.deal_id)
    # then
    assert await notified_kinds(gql, world.bob) == ["REGISTRATION_SUBMITTED"]
    assert await notified_kinds(gql, world.victor) == ["REGISTRATION_SUBMITTED"]
    assert await notified_kinds(gql, world.alice) == []
    assert await notified_kinds(gql, world.pat) == []  # not on the team


@pytest.mark.parametrize(
    ("status", "expires_in"),
    [(RegistrationStatus.SUBMITTED, None), (RegistrationStatus.APPROVED, timedelta(days=5))],
)
async def test_a_second_live_registration_of_one_account_is_duplicate(
    gql, world, factory, status, expires_in
):
    # given: pat (same account, not on the team) registered it already
    await factory.registration(world.deal, world.pat, status=status, expires_in=expires_in)
    # when
    result = await submit(gql, world.alice, world.deal_id)
    # then
    assert result["registration"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "DUPLICATE")
    ]
    assert (await deal_state(gql, world))["activeDealRegistrations"] == 1


@pytest.mark.parametrize(
    ("status", "expires_in"),
    [
        (RegistrationStatus.APPROVED, timedelta(days=-1)),
        (RegistrationStatus.REJECTED, None),
        (RegistrationStatus.WITHDRAWN, None),
        (RegistrationStatus.EXPIRED, None),
    ],
)
async def test_a_registration_that_is_no_longer_live_does_not_block(
    gql, world, factory, status, expires_in
):
    await factory.registration(world.deal, world.alice, status=status, expires_in=expires_in)
    result = await submit(gql, world.alice, world.deal_id)
    assert result["userErrors"] == []
    assert result["deal"]["activeDealRegistrations"] == 1


async def test_the_other_accounts_live_registration_does_not_block(gql, world, factory):
    await factory.registration(world.deal, world.victor)
    result = await submit(gql, world.alice, world.deal_id)
    assert result["userErrors"] == []
    assert result["deal"]["activeDealRegistrations"] == 2


async def test_a_deal_of_other_accounts_is_not_found(gql, world):
    result = await submit(gql, world.oscar, world.deal_id)
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]
    assert (await deal_state(gql, world))["registrations"] == []


@pytest.mark.parametrize("deal_id", ["nonsense", to_global_id("Deal", 999_999)])
async def test_an_unknown_deal_is_not_found(gql, world, deal_id):
    result = await submit(gql, world.alice, deal_id)
    assert [e["code"] for e in result["userErrors"]] == ["NOT_FOUND"]


async def test_concurrent_submits_of_one_account_make_one_registration(gql, world):
    # when: six partner submissions race
    people = [world.alice, world.bob, world.pat] * 2
    results = await asyncio.gather(*(submit(gql, p, world.deal_id) for p in people))
    # then
    codes = sorted(e["code"] for r in results for e in r["userErrors"])
    assert codes == ["DUPLICATE"] * 5
    state = await deal_state(gql, world)
    assert state["activeDealRegistrations"] == 1
    assert [a["kind"] for a in state["activities"]["nodes"]] == ["REGISTRATION_SUBMITTED"]
