"""Lists in a new deal or call summary hold at most 100 items, whoever calls the operation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from db.engine import Database
from db.errors import BatchError, ErrorCode
from db.models import AccountKind, utcnow
from db.ops.calls import CallSummaryDraft, PersonDraft, create_call_summary
from db.ops.shared_deals import SharedDealDraft, create_shared_deal
from tests.factories import Factory


async def _refusals(database: Database, change: Any) -> list[tuple[ErrorCode, list[str] | None]]:
    async with database.transaction() as session:
        with pytest.raises(BatchError) as raised:
            await change(session)
    return [(error.code, error.field) for error in raised.value.errors]


async def test_over_100_products_of_interest_is_too_many(
    database: Database, factory: Factory
) -> None:
    partner = await factory.org(AccountKind.PARTNER)
    await factory.org(AccountKind.VENDOR)
    creator = await factory.person(partner)
    draft = SharedDealDraft(
        name="Deal", amount=Decimal(1), currency="USD", close_date=date(2027, 1, 1),
        product_ids=[1] * 101,
    )  # fmt: skip

    refusals = await _refusals(
        database,
        lambda session: create_shared_deal(
            session=session, creator=creator.user, creator_account=partner.account, draft=draft
        ),
    )

    assert refusals == [(ErrorCode.TOO_MANY, ["input", "productIds"])]


@pytest.mark.parametrize(
    ("section", "items"),
    [
        ("key_takeaways", ["x"] * 101),
        ("next_steps", ["x"] * 101),
        ("participants", [PersonDraft(name="P")] * 101),
        ("contacts_involved", [PersonDraft(name="C")] * 101),
    ],
)
async def test_over_100_items_in_a_summary_section_is_too_many(
    database: Database, factory: Factory, section: str, items: list[Any]
) -> None:
    vendor = await factory.org(AccountKind.VENDOR)
    partner = await factory.org(AccountKind.PARTNER)
    rep = await factory.person(vendor)
    deal = await factory.deal(partner, vendor)
    draft = CallSummaryDraft(title="Call", occurred_at=utcnow(), **{section: items})

    refusals = await _refusals(
        database,
        lambda session: create_call_summary(
            session=session,
            actor=rep.user,
            actor_account=vendor.account,
            deal_id=deal.id,
            draft=draft,
        ),
    )

    path = {"key_takeaways": "keyTakeaways", "next_steps": "nextSteps",
            "contacts_involved": "contactsInvolved"}.get(section, section)  # fmt: skip
    assert refusals == [(ErrorCode.TOO_MANY, ["input", path])]
