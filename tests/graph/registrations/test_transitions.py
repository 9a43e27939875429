"""Every (status, action) pair: the allowed ones change the status, the rest are illegal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.models import RegistrationStatus
from tests.graph.registrations.test_review import review
from tests.graph.registrations.test_withdraw import withdraw
from tests.graph.team_world import deal_state, registration_gid

# How a registration is set up: stored status and expiry. LAPSED is APPROVED past its expiry.
STARTS = {
    "SUBMITTED": (RegistrationStatus.SUBMITTED, None),
    "APPROVED": (RegistrationStatus.APPROVED, timedelta(days=10)),
    "LAPSED": (RegistrationStatus.APPROVED, timedelta(days=-1)),
    "REJECTED": (RegistrationStatus.REJECTED, None),
    "EXPIRED": (RegistrationStatus.EXPIRED, None),
    "WITHDRAWN": (RegistrationStatus.WITHDRAWN, None),
}
ACTIONS = ("APPROVE", "REJECT", "WITHDRAW")

# The expected outcome, written out independently of the code's table.
ALLOWED = {
    ("SUBMITTED", "APPROVE"): "APPROVED",
    ("SUBMITTED", "REJECT"): "REJECTED",
    ("SUBMITTED", "WITHDRAW"): "WITHDRAWN",
    ("APPROVED", "WITHDRAW"): "WITHDRAWN",
}


async def act(gql, world, registration_id, action):
    if action == "WITHDRAW":
        return await withdraw(gql, world.alice, registration_id)
    return await review(gql, world.victor, registration_id, action, "Not a fit.")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("start", list(STARTS))
async def test_transition(gql, world, factory, start, action):
    # given
    status, expires_in = STARTS[start]
    registration = await factory.registration(world.deal, world.alice, status, expires_in)
    before = await deal_state(gql, world)
    # when
    result = await act(gql, world, registration_gid(registration), action)
    # then
    after = await deal_state(gql, world)
    expected = ALLOWED.get((start, action))
    if expected is None:
        assert [e["code"] for e in result["userErrors"]] == ["ILLEGAL_TRANSITION"]
        assert result["registration"] is None
        assert after == before
    else:
        assert result["userErrors"] == []
        assert result["registration"]["status"] == expected
        assert after["registrations"][0]["status"] == expected
        assert after["version"] == before["version"] + 1
        assert len(after["activities"]["nodes"]) == len(before["activities"]["nodes"]) + 1
