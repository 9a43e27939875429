"""`dealRegistrationWithdraw`: only the submitting account may take a registration back."""

from __future__ import annotations

from datetime import timedelta

from db.models import RegistrationStatus
from graph.relay import to_global_id
from tests.graph.team_world import deal_state, notified_kinds, registration_gid

WITHDRAW = """
mutation Withdraw($input: DealRegistrationWithdrawInput!) {
  dealRegistrationWithdraw(input: $input) {
    registration { id status isActive }
    deal { id version activeDealRegistrations }
    userErrors { field message code }
  }
}
"""


async def withdraw(gql, person, registration_id):
    body = await gql(WITHDRAW, person.token, {"input": {"registrationId": registration_id}})
    assert "errors" not in body, body
    return body["data"]["dealRegistrationWithdraw"]


async def test_a_colleague_of_the_submitter_withdraws_it(gql, world, factory):
    # given: alice submitted; bob works for the same partner
    submitted = await factory.registration(world.deal, world.alice)
    # when
    result = await withdraw(gql, world.bob, registration_gid(submitted))
    # then
    assert result["userErrors"] == []
    assert result["registration"]["status"] == "WITHDRAWN"
    assert result["registration"]["isActive"] is False
    assert result["deal"]["activeDealRegistrations"] == 0


async def test_an_approved_registration_can_be_withdrawn(gql, world, factory):
    approved = await factory.registration(
        world.deal, world.alice, RegistrationStatus.APPROVED, expires_in=timedelta(days=3)
    )
    result = await withdraw(gql, world.alice, registration_gid(approved))
    assert result["registration"]["status"] == "WITHDRAWN"


async def test_the_other_account_is_forbidden(gql, world, factory):
    submitted = await factory.registration(world.deal, world.alice)
    result = await withdraw(gql, world.victor, registration_gid(submitted))
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "registrationId"], "FORBIDDEN")
    ]
    assert (await deal_state(gql, world))["registrations"][0]["status"] == "SUBMITTED"


async def test_a_registration_on_a_deal_of_other_accounts_is_not_found(gql, world, factory):
    submitted = await factory.registration(world.deal, world.alice)
    result = await withdraw(gql, world.oscar, registration_gid(submitted))
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "registrationId"], "NOT_FOUND")
    ]


async def test_a_malformed_id_is_not_found(gql, world):
    result = await withdraw(gql, world.alice, to_global_id("Deal", world.deal.id))
    assert [e["code"] for e in result["userErrors"]] == ["NOT_FOUND"]


async def test_withdrawing_records_an_activity_and_notifies_the_team(gql, world, factory):
    submitted = await factory.registration(world.deal, world.alice)
    await withdraw(gql, world.alice, registration_gid(submitted))
    activity = (await deal_state(gql, world, world.victor))["activities"]["nodes"][0]
    assert activity["kind"] == "REGISTRATION_WITHDRAWN"
    assert activity["visibility"] == "SHARED"
    assert (activity["details"]["before"], activity["details"]["after"]) == (
        "SUBMITTED",
        "WITHDRAWN",
    )
    assert await notified_kinds(gql, world.victor) == ["REGISTRATION_WITHDRAWN"]
    assert await notified_kinds(gql, world.bob) == ["REGISTRATION_WITHDRAWN"]
    assert await notified_kinds(gql, world.alice) == []
