"""The approval expiry follows the server's `REGISTRATION_EXPIRY_DAYS` setting."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from db.config import Settings
from tests.graph.registrations.test_review import review
from tests.graph.team_world import registration_gid


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, app_env="development", registration_expiry_days=30)


async def test_approval_expires_after_the_configured_days(gql, world, factory):
    submitted = await factory.registration(world.deal, world.alice)
    result = await review(gql, world.victor, registration_gid(submitted), "APPROVE")
    registration = result["registration"]
    expires = datetime.fromisoformat(registration["expiresAt"])
    assert expires - datetime.fromisoformat(registration["decidedAt"]) == timedelta(days=30)
