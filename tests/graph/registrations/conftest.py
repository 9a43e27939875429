"""Registrations are changed on a deal with a team on both sides."""

from __future__ import annotations

import pytest

from tests.factories import Factory
from tests.graph.team_world import World, make_world


@pytest.fixture
async def world(factory: Factory) -> World:
    return await make_world(factory)
