"""Every list of a change carries at most 100 ids, whoever calls the operation."""

from __future__ import annotations

from typing import Any

import pytest

from db.engine import Database
from db.errors import DomainError, ErrorCode
from db.models import AccountKind
from db.ops.notifications import mark_read
from db.ops.products import replace_products
from db.ops.team import update_team
from tests.factories import Factory

TOO_MANY = [1] * 101


async def _refusal(database: Database, change: Any) -> DomainError:
    async with database.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await change(session)
    return raised.value


async def test_a_team_batch_over_100_ids_is_too_many(database: Database, factory: Factory) -> None:
    org = await factory.org(AccountKind.PARTNER)
    actor = (await factory.person(org)).user

    error = await _refusal(
        database,
        lambda session: update_team(
            session=session, actor=actor, deal_id=1, add=[], remove=TOO_MANY
        ),
    )

    assert (error.code, error.field) == (ErrorCode.TOO_MANY, ["input", "remove"])


async def test_over_100_products_is_too_many(database: Database, factory: Factory) -> None:
    org = await factory.org(AccountKind.PARTNER)
    actor = (await factory.person(org)).user

    error = await _refusal(
        database,
        lambda session: replace_products(
            session=session, actor=actor, deal_id=1, product_ids=TOO_MANY, expected_version=None
        ),
    )

    assert (error.code, error.field) == (ErrorCode.TOO_MANY, ["input", "productIds"])


async def test_over_100_notifications_is_too_many(database: Database, factory: Factory) -> None:
    org = await factory.org(AccountKind.PARTNER)
    actor = (await factory.person(org)).user

    error = await _refusal(
        database, lambda session: mark_read(session=session, actor=actor, ids=TOO_MANY, all=False)
    )

    assert (error.code, error.field) == (ErrorCode.TOO_MANY, ["input", "ids"])
