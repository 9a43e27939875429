"""`sharedDealCreate`: a partner user registers a new deal and shares it with the vendor."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select, update

from db.models import (
    AccountKind,
    AccountSettings,
    Deal,
    DealRegistration,
    PipelineStage,
    UserRole,
)
from graph.relay import to_global_id

CREATE = """
mutation Create($input: SharedDealCreateInput!) {
  sharedDealCreate(input: $input) {
    deal {
      id name amount currency closeDate version companyName companyDomain contactName
      contactEmail introNote
      pipeline { id }
      stage { id name }
      partnerAccount { id }
      vendorAccount { id }
      productsOfInterest { id }
      activeDealRegistrations
      registrations { status submittedBy { id } account { id } }
      team { members { user { id } addedBy { id } } }
      activities { nodes { kind visibility actor { id } } }
    }
    userErrors { field message code }
  }
}
"""

PLACEMENT = "query Placement($id: ID!) { deal(id: $id) { pipeline { id } stage { id } } }"


@pytest.fixture
async def world(factory: Any) -> dict[str, Any]:
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    return {
        "partner": partner,
        "vendor": vendor,
        "alice": await factory.person(partner, name="Alice"),
        "bob": await factory.person(partner, name="Bob"),
        "victor": await factory.person(vendor, name="Victor"),
        "product": await factory.product(hub="Sales Hub"),
    }


def deal_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Acme – Sales Hub rollout",
        "amount": "12500.50",
        "currency": "EUR",
        "closeDate": "2027-03-31",
        "productIds": [],
        "companyName": "Acme",
        "companyDomain": "acme.example",
        "contactName": "Carol Contact",
        "contactEmail": "carol@acme.example",
        "introNote": "Met at the partner summit.",
    }
    values.update(overrides)
    return values


async def create(gql: Any, token: str, **overrides: Any) -> dict[str, Any]:
    body = await gql(CREATE, token, {"input": deal_input(**overrides)})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["sharedDealCreate"]
    return result


async def deal_count(database: Any) -> int:
    async with database.session() as session:
        return int((await session.exec(select(func.count()).select_from(Deal))).one())


async def test_partner_user_shares_a_new_deal(gql, world):
    # given
    product_id = to_global_id("Product", world["product"].id)
    # when
    result = await create(gql, world["alice"].token, productIds=[product_id])
    # then
    assert result["userErrors"] == []
    deal = result["deal"]
    assert deal["name"] == "Acme – Sales Hub rollout"
    assert deal["amount"] == "12500.50"
    assert (deal["currency"], deal["closeDate"]) == ("EUR", "2027-03-31")
    assert (deal["companyName"], deal["companyDomain"]) == ("Acme", "acme.example")
    assert (deal["contactName"], deal["contactEmail"]) == ("Carol Contact", "carol@acme.example")
    assert deal["introNote"] == "Met at the partner summit."
    assert deal["partnerAccount"]["id"] == to_global_id("Account", world["partner"].id)
    assert deal["vendorAccount"]["id"] == to_global_id("Account", world["vendor"].id)
    assert deal["productsOfInterest"] == [{"id": product_id}]


async def test_each_account_files_the_deal_in_its_first_open_stage(gql, world):
    # when
    deal = (await create(gql, world["alice"].token))["deal"]
    # then: the factory's pipelines start with a closed stage, which is skipped
    for org, person in ((world["partner"], "alice"), (world["vendor"], "victor")):
        seen = (await gql(PLACEMENT, world[person].token, {"id": deal["id"]}))["data"]["deal"]
        assert seen["pipeline"]["id"] == to_global_id("Pipeline", org.pipeline.id)
        assert seen["stage"]["id"] == to_global_id("PipelineStage", org.stages[1].id)


async def test_a_submitted_registration_is_made_by_the_creator(gql, world):
    deal = (await create(gql, world["alice"].token))["deal"]
    assert deal["activeDealRegistrations"] == 1
    assert deal["registrations"] == [
        {
            "status": "SUBMITTED",
            "submittedBy": {"id": world["alice"].gid},
            "account": {"id": to_global_id("Account", world["partner"].id)},
        }
    ]


async def test_the_creator_joins_the_team(gql, world):
    deal = (await create(gql, world["alice"].token))["deal"]
    assert deal["team"]["members"] == [{"user": {"id": world["alice"].gid}, "addedBy": None}]


async def test_sharing_records_shared_activities(gql, world):
    deal = (await create(gql, world["alice"].token))["deal"]
    actor = {"id": world["alice"].gid}
    assert deal["activities"]["nodes"] == [
        {"kind": "REGISTRATION_SUBMITTED", "visibility": "SHARED", "actor": actor},
        {"kind": "DEAL_SHARED", "visibility": "SHARED", "actor": actor},
    ]


async def test_vendor_user_is_forbidden(gql, world, database):
    result = await create(gql, world["victor"].token)
    assert result["deal"] is None
    assert [e["code"] for e in result["userErrors"]] == ["FORBIDDEN"]
    assert await deal_count(database) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"contactEmail": "carol.acme.example"}, "contactEmail"),
        ({"contactEmail": "x" * 310 + "@example.com"}, "contactEmail"),
        ({"companyDomain": "not a domain"}, "companyDomain"),
        ({"companyName": "x" * 201}, "companyName"),
        ({"contactName": "x" * 201}, "contactName"),
        ({"introNote": "x" * 5001}, "introNote"),
        ({"idempotencyKey": ""}, "idempotencyKey"),
        ({"idempotencyKey": "k" * 201}, "idempotencyKey"),
    ],
)
async def test_invalid_input_is_refused_and_nothing_is_written(
    gql, world, database, overrides, field
):
    # when
    result = await create(gql, world["alice"].token, **overrides)
    # then
    assert result["deal"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", field], "INVALID")
    ]
    assert await deal_count(database) == 0


async def test_unknown_and_malformed_product_ids_are_not_found(gql, world, database):
    known = to_global_id("Product", world["product"].id)
    missing = to_global_id("Product", 999_999)
    wrong_type = to_global_id("Deal", world["product"].id)
    result = await create(gql, world["alice"].token, productIds=[known, missing, wrong_type, "?"])
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "productIds", "1"], "NOT_FOUND"),
        (["input", "productIds", "2"], "NOT_FOUND"),
        (["input", "productIds", "3"], "NOT_FOUND"),
    ]
    assert await deal_count(database) == 0


async def test_more_than_100_products_is_refused_before_execution(gql, world, database):
    # The HTTP endpoint refuses list inputs over 100 items (graph/limits.py); the
    # operation's own TOO_MANY backs it up for other callers.
    ids = [to_global_id("Product", world["product"].id)] * 101
    body = await gql(CREATE, world["alice"].token, {"input": deal_input(productIds=ids)})
    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    assert await deal_count(database) == 0


async def test_every_rejection_is_reported_at_once(gql, world):
    result = await create(gql, world["alice"].token, name="", currency="usdollar", amount="-5")
    assert sorted(e["field"][1] for e in result["userErrors"]) == ["amount", "currency", "name"]


async def test_a_lower_case_currency_is_normalised(gql, world):
    deal = (await create(gql, world["alice"].token, currency="jpy"))["deal"]
    assert deal["currency"] == "JPY"


async def test_same_key_from_the_same_user_returns_the_first_deal(gql, world, database):
    # given
    first = await create(gql, world["alice"].token, idempotencyKey="retry-1")
    # when
    again = await create(gql, world["alice"].token, idempotencyKey="retry-1", name="Other")
    # then
    assert again["userErrors"] == []
    assert again["deal"]["id"] == first["deal"]["id"]
    assert again["deal"]["name"] == "Acme – Sales Hub rollout"
    assert await deal_count(database) == 1


async def test_same_key_from_another_user_makes_a_new_deal(gql, world, database):
    first = await create(gql, world["alice"].token, idempotencyKey="retry-1")
    other = await create(gql, world["bob"].token, idempotencyKey="retry-1")
    assert other["deal"]["id"] != first["deal"]["id"]
    assert await deal_count(database) == 2


async def test_concurrent_retries_with_one_key_make_one_deal(gql, world, database):
    # when
    results = await asyncio.gather(
        *(create(gql, world["alice"].token, idempotencyKey="burst") for _ in range(8))
    )
    # then
    assert {result["deal"]["id"] for result in results} == {results[0]["deal"]["id"]}
    assert all(result["userErrors"] == [] for result in results)
    assert await deal_count(database) == 1
    async with database.session() as session:
        registrations = await session.exec(select(func.count()).select_from(DealRegistration))
        assert registrations.one() == 1


async def test_new_pipeline_setting_applies_to_new_deals_only(gql, world, factory, database):
    # given: a deal filed under the current setting
    old = (await create(gql, world["alice"].token))["deal"]
    pipeline, stages = await factory.pipeline(world["partner"], "Partner-sourced")
    async with database.transaction() as session:
        await session.exec(
            update(PipelineStage).where(PipelineStage.id == stages[0].id).values(is_closed=True)
        )
        await session.exec(
            update(AccountSettings)
            .where(AccountSettings.account_id == world["partner"].id)
            .values(shared_deal_pipeline_id=pipeline.id)
        )
    # when
    new = (await create(gql, world["alice"].token, name="Second deal"))["deal"]
    # then
    assert new["pipeline"]["id"] == to_global_id("Pipeline", pipeline.id)
    assert new["stage"]["id"] == to_global_id("PipelineStage", stages[1].id)
    still = (await gql(PLACEMENT, world["alice"].token, {"id": old["id"]}))["data"]["deal"]
    assert still["pipeline"]["id"] == to_global_id("Pipeline", world["partner"].pipeline.id)
    assert still["stage"]["id"] == to_global_id("PipelineStage", world["partner"].stages[1].id)
    vendor_view = (await gql(PLACEMENT, world["victor"].token, {"id": new["id"]}))["data"]["deal"]
    assert vendor_view["pipeline"]["id"] == to_global_id("Pipeline", world["vendor"].pipeline.id)


async def test_the_vendor_sees_the_new_deal(gql, world):
    deal = (await create(gql, world["alice"].token))["deal"]
    body = await gql(
        "query($id: ID!) { deal(id: $id) { name } }", world["victor"].token, {"id": deal["id"]}
    )
    assert body["data"]["deal"] == {"name": "Acme – Sales Hub rollout"}


SETTINGS_UPDATE = """
mutation Settings($input: SettingsUpdateInput!) {
  settingsUpdate(input: $input) { userErrors { code } }
}
"""


async def test_after_an_admin_changes_the_pipeline_only_new_deals_use_it(gql, world, factory):
    # given: a deal filed before the change, and the vendor admin's new pipeline
    old = (await create(gql, world["alice"].token))["deal"]
    admin = await factory.person(world["vendor"], role=UserRole.ADMIN)
    pipeline, stages = await factory.pipeline(world["vendor"], "Co-sell")
    variables = {"input": {"sharedDealPipelineId": to_global_id("Pipeline", pipeline.id)}}
    changed = await gql(SETTINGS_UPDATE, admin.token, variables)
    assert changed["data"]["settingsUpdate"]["userErrors"] == []
    # when
    new = (await create(gql, world["alice"].token, name="After the change"))["deal"]
    # then: the vendor files the new deal in the new pipeline, the old one where it was
    for deal, expected_pipeline, expected_stage in (
        (new, pipeline.id, stages[0].id),
        (old, world["vendor"].pipeline.id, world["vendor"].stages[1].id),
    ):
        seen = await gql(PLACEMENT, admin.token, {"id": deal["id"]})
        assert seen["data"]["deal"] == {
            "pipeline": {"id": to_global_id("Pipeline", expected_pipeline)},
            "stage": {"id": to_global_id("PipelineStage", expected_stage)},
        }


async def test_a_refused_call_does_not_use_up_its_key(gql, world, database):
    refused = await create(gql, world["alice"].token, idempotencyKey="k1", currency="???")
    assert refused["deal"] is None
    fixed = await create(gql, world["alice"].token, idempotencyKey="k1")
    assert fixed["userErrors"] == []
    assert await deal_count(database) == 1
