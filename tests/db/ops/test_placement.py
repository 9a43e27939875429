"""The entry placement of a shared deal: the shared-deal pipeline's first open stage."""

from __future__ import annotations

import pytest

from db.engine import Database
from db.errors import DomainError, ErrorCode
from db.models import AccountSettings, PipelineStage
from db.ops.placement import entry_placement
from tests.factories import Factory


async def test_entry_placement_is_the_first_open_stage_of_the_shared_deal_pipeline(
    database: Database, factory: Factory
) -> None:
    # given: the factory's pipeline starts with a closed stage
    org = await factory.org()

    # when
    async with database.session() as session:
        placement = await entry_placement(session=session, account_id=org.id)

    # then
    assert placement == (org.pipeline.id, org.stages[1].id)


async def test_entry_placement_follows_the_settings(database: Database, factory: Factory) -> None:
    # given
    org = await factory.org()
    pipeline, stages = await factory.pipeline(org, "Partner sourced")
    async with database.transaction() as session:
        settings = await session.get(AccountSettings, org.id)
        assert settings is not None
        settings.shared_deal_pipeline_id = pipeline.id
        session.add(settings)

    # when
    async with database.session() as session:
        placement = await entry_placement(session=session, account_id=org.id)

    # then
    assert placement == (pipeline.id, stages[0].id)


async def test_entry_placement_without_an_open_stage_is_invalid(
    database: Database, factory: Factory
) -> None:
    # given
    org = await factory.org()
    async with database.transaction() as session:
        for stage in org.stages:
            row = await session.get(PipelineStage, stage.id)
            assert row is not None
            row.is_closed = True
            session.add(row)

    # when / then
    async with database.session() as session:
        with pytest.raises(DomainError) as raised:
            await entry_placement(session=session, account_id=org.id)
    assert raised.value.code == ErrorCode.INVALID
