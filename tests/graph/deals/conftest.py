"""A small world for deal reads: one vendor, two partners, people on each side."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from db.models import AccountKind, UserRole
from tests.factories import Factory, Org, Person


@dataclass
class World:
    vendor: Org
    partner: Org
    other_partner: Org
    rep: Person
    partner_user: Person
    partner_admin: Person
    other_partner_user: Person


@pytest.fixture
async def world(factory: Factory) -> World:
    vendor = await factory.org(AccountKind.VENDOR)
    partner = await factory.org(AccountKind.PARTNER)
    other = await factory.org(AccountKind.PARTNER)
    return World(
        vendor=vendor,
        partner=partner,
        other_partner=other,
        rep=await factory.person(vendor),
        partner_user=await factory.person(partner),
        partner_admin=await factory.person(partner, role=UserRole.ADMIN),
        other_partner_user=await factory.person(other),
    )
