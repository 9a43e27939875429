"""`dealRegistrationReview`: vendor users approve (with expiry) or reject (with a reason)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from graph.relay import to_global_id
from tests.graph.team_world import deal_state, notified_kinds, registration_gid

REVIEW = """
mutation Review($input: DealRegistrationReviewInput!) {
  dealRegistrationReview(input: $input) {
    registration {
      id status isActive decidedAt expiresAt rejectionReason decidedBy { id }
    }
    deal { id version activeDealRegistrations }
    userErrors { field message code }
  }
}
"""


async def review(gql, person, registration_id, decision, reason=None):
    variables = {
        "input": {"registrationId": registration_id, "decision": decision, "reason": reason}
    }
    body = await gql(REVIEW, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["dealRegistrationReview"]


@pytest.fixture
async def submitted(factory, world):
    return await factory.registration(world.deal, world.alice)


async def test_vendor_user_approves_with_a_90_day_expiry(gql, world, submitted):
    # when
    result = await review(gql, world.victor, registration_gid(submitted), "APPROVE")
    # then
    assert result["userErrors"] == []
    registration = result["registration"]
    assert registration["status"] == "APPROVED"
    assert registration["isActive"] is True
    assert registration["decidedBy"] == {"id": world.victor.gid}
    decided = datetime.fromisoformat(registration["decidedAt"])
    assert datetime.fromisoformat(registration["expiresAt"]) - decided == timedelta(days=90)
    assert result["deal"]["activeDealRegistrations"] == 1


async def test_vendor_user_rejects_with_a_reason(gql, world, submitted):
    result = await review(
        gql, world.victor, registration_gid(submitted), "REJECT", "  Already registered.  "
    )
    registration = result["registration"]
    assert registration["status"] == "REJECTED"
    assert registration["rejectionReason"] == "Already registered."
    assert registration["expiresAt"] is None
    assert registration["decidedBy"] == {"id": world.victor.gid}
    assert result["deal"]["activeDealRegistrations"] == 0


@pytest.mark.parametrize("reason", [None, "", "   "])
async def test_rejecting_without_a_reason_is_invalid(gql, world, submitted, reason):
    result = await review(gql, world.victor, registration_gid(submitted), "REJECT", reason)
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "reason"], "INVALID")
    ]
    assert (await deal_state(gql, world))["registrations"][0]["status"] == "SUBMITTED"


async def test_a_reason_over_2000_characters_is_invalid(gql, world, submitted):
    result = await review(gql, world.victor, registration_gid(submitted), "REJECT", "x" * 2001)
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "reason"], "INVALID")
    ]


async def test_partner_user_is_forbidden(gql, world, submitted):
    result = await review(gql, world.bob, registration_gid(submitted), "APPROVE")
    assert [e["code"] for e in result["userErrors"]] == ["FORBIDDEN"]
    assert (await deal_state(gql, world))["registrations"][0]["status"] == "SUBMITTED"


@pytest.mark.parametrize(
    "registration_id", [to_global_id("DealRegistration", 999_999), "bad", to_global_id("Deal", 1)]
)
async def test_an_unknown_registration_is_not_found(gql, world, registration_id):
    result = await review(gql, world.victor, registration_id, "APPROVE")
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "registrationId"], "NOT_FOUND")
    ]


async def test_approving_records_a_shared_activity_with_before_and_after(gql, world, submitted):
    await review(gql, world.victor, registration_gid(submitted), "APPROVE")
    activity = (await deal_state(gql, world))["activities"]["nodes"][0]
    assert activity["kind"] == "REGISTRATION_APPROVED"
    assert activity["visibility"] == "SHARED"
    assert activity["actor"] == {"id": world.victor.gid}
    assert (activity["details"]["before"], activity["details"]["after"]) == (
        "SUBMITTED",
        "APPROVED",
    )


async def test_rejecting_records_the_reason(gql, world, submitted):
    await review(gql, world.victor, registration_gid(submitted), "REJECT", "Duplicate.")
    activity = (await deal_state(gql, world))["activities"]["nodes"][0]
    assert activity["kind"] == "REGISTRATION_REJECTED"
    assert activity["details"]["rejection_reason"] == "Duplicate."


async def test_the_decision_is_notified_to_the_team_but_not_the_reviewer(gql, world, submitted):
    await review(gql, world.victor, registration_gid(submitted), "APPROVE")
    assert await notified_kinds(gql, world.alice) == ["REGISTRATION_APPROVED"]
    assert await notified_kinds(gql, world.bob) == ["REGISTRATION_APPROVED"]
    assert await notified_kinds(gql, world.victor) == []
    assert await notified_kinds(gql, world.vera) == []


async def test_a_decision_bumps_the_deal_version(gql, world, submitted):
    before = (await deal_state(gql, world))["version"]
    result = await review(gql, world.victor, registration_gid(submitted), "APPROVE")
    assert result["deal"]["version"] == before + 1
