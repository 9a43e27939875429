"""A partner (Alice, Bob) and a vendor (Vera) sharing a deal whose team is Alice and Vera."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from db.models import AccountKind, Deal
from graph.relay import to_global_id
from tests.factories import Factory, Org, Person


@dataclass
class World:
    partner: Org
    vendor: Org
    alice: Person
    bob: Person
    vera: Person
    deal: Deal

    @property
    def deal_gid(self) -> str:
        assert self.deal.id is not None
        return to_global_id("Deal", self.deal.id)


@pytest.fixture
async def world(factory: Factory) -> World:
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    alice = await factory.person(partner, name="Alice")
    bob = await factory.person(partner, name="Bob")
    vera = await factory.person(vendor, name="Vera")
    deal = await factory.deal(partner, vendor, team=[alice, vera])
    return World(partner, vendor, alice, bob, vera, deal)
