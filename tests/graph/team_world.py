"""A shared deal with a team on both sides, people off the team, and an outsider partner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.models import AccountKind, Deal
from graph.relay import to_global_id
from tests.factories import Factory, Org, Person

DEAL_STATE = """
query DealState($id: ID!) {
  deal(id: $id) {
    version activeDealRegistrations
    registrations { id status rejectionReason submittedBy { id } }
    activities { nodes { kind visibility details actor { id } } }
  }
}
"""

NOTIFIED = "query { viewer { notifications { nodes { activity { kind } deal { id } } } } }"


@dataclass
class World:
    vendor: Org
    partner: Org
    outsider_org: Org
    alice: Person  # partner, on the team
    bob: Person  # partner, on the team
    pat: Person  # partner, not on the team
    victor: Person  # vendor, on the team
    vince: Person  # vendor, on the team
    vera: Person  # vendor, not on the team
    oscar: Person  # another partner account
    deal: Deal

    @property
    def deal_id(self) -> str:
        assert self.deal.id is not None
        return to_global_id("Deal", self.deal.id)


async def make_world(factory: Factory) -> World:
    """The deal and its people, made in the database."""
    vendor = await factory.org(AccountKind.VENDOR)
    partner = await factory.org(AccountKind.PARTNER)
    outsider = await factory.org(AccountKind.PARTNER)
    alice, bob = await factory.person(partner), await factory.person(partner)
    victor, vince = await factory.person(vendor), await factory.person(vendor)
    deal = await factory.deal(partner, vendor, team=[alice, bob, victor, vince])
    return World(
        vendor=vendor,
        partner=partner,
        outsider_org=outsider,
        alice=alice,
        bob=bob,
        pat=await factory.person(partner),
        victor=victor,
        vince=vince,
        vera=await factory.person(vendor),
        oscar=await factory.person(outsider),
        deal=deal,
    )


async def deal_state(gql: Any, world: World, person: Person | None = None) -> dict[str, Any]:
    """The deal's version, registrations and activities as `person` (default: alice) sees them."""
    viewer = person or world.alice
    body = await gql(DEAL_STATE, viewer.token, {"id": world.deal_id})
    state: dict[str, Any] = body["data"]["deal"]
    return state


async def notified_kinds(gql: Any, person: Person) -> list[str]:
    """The kinds of activity `person` was notified of, newest first."""
    body = await gql(NOTIFIED, person.token)
    return [node["activity"]["kind"] for node in body["data"]["viewer"]["notifications"]["nodes"]]


def registration_gid(registration: Any) -> str:
    return to_global_id("DealRegistration", registration.id)
