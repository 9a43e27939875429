"""The deals list ("deals home"): filters, sort orders, keyset pages, tenancy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db.models import RegistrationStatus
from graph.relay import to_global_id

DEALS = """
query Deals($filter: DealFilter, $orderBy: DealOrder, $first: Int, $after: String,
            $last: Int, $before: String) {
  deals(filter: $filter, orderBy: $orderBy, first: $first, after: $after,
        last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name amount activeDealRegistrations } }
  }
}
"""


def names(body):
    return [edge["node"]["name"] for edge in body["data"]["deals"]["edges"]]


async def test_lists_only_deals_of_the_viewers_account(gql, factory, world):
    # given
    await factory.deal(world.partner, world.vendor, name="Ours")
    await factory.deal(world.other_partner, world.vendor, name="Theirs")
    # when
    mine = await gql(DEALS, world.partner_user.token)
    vendor = await gql(DEALS, world.rep.token)
    # then
    assert names(mine) == ["Ours"]
    assert mine["data"]["deals"]["totalCount"] == 1
    assert sorted(names(vendor)) == ["Ours", "Theirs"]


async def test_filter_by_active_registrations_counts_vendor_registrations_and_respects_expiry(
    gql, factory, world
):
    none = await factory.deal(world.partner, world.vendor, name="None")
    by_partner = await factory.deal(world.partner, world.vendor, name="By partner")
    by_vendor = await factory.deal(world.partner, world.vendor, name="By vendor")
    lapsed = await factory.deal(world.partner, world.vendor, name="Lapsed")
    rejected = await factory.deal(world.partner, world.vendor, name="Rejected")
    await factory.registration(by_partner, world.partner_user)
    await factory.registration(
        by_vendor, world.rep, RegistrationStatus.APPROVED, expires_in=timedelta(days=30)
    )
    await factory.registration(
        lapsed, world.partner_user, RegistrationStatus.APPROVED, expires_in=timedelta(days=-1)
    )
    await factory.registration(rejected, world.partner_user, RegistrationStatus.REJECTED)
    assert none.id

    body = await gql(
        DEALS, world.partner_user.token, {"filter": {"activeDealRegistrations": {"gte": 1}}}
    )

    assert sorted(names(body)) == ["By partner", "By vendor"]
    assert body["data"]["deals"]["totalCount"] == 2
    zero = await gql(
        DEALS, world.partner_user.token, {"filter": {"activeDealRegistrations": {"lte": 0}}}
    )
    assert sorted(names(zero)) == ["Lapsed", "None", "Rejected"]


async def test_filter_by_name_close_date_product_and_team_member(gql, factory, world):
    product = await factory.product("Sales Hub")
    await factory.deal(
        world.partner,
        world.vendor,
        name="Acme renewal",
        close_date=date(2027, 3, 1),
        team=[world.partner_user],
        products=[product],
    )
    await factory.deal(world.partner, world.vendor, name="Globex", close_date=date(2027, 6, 1))
    token = world.partner_user.token

    by_name = await gql(DEALS, token, {"filter": {"nameContains": "acme"}})
    by_date = await gql(
        DEALS, token, {"filter": {"closeDate": {"from": "2027-05-01", "to": "2027-07-01"}}}
    )
    by_product = await gql(
        DEALS, token, {"filter": {"productIds": [to_global_id("Product", product.id)]}}
    )
    mine = await gql(DEALS, token, {"filter": {"teamMemberId": world.partner_user.gid}})

    assert names(by_name) == ["Acme renewal"]
    assert names(by_date) == ["Globex"]
    assert names(by_product) == ["Acme renewal"]
    assert names(mine) == ["Acme renewal"]


async def test_filter_by_pipeline_and_stage_uses_the_viewers_own_placement(gql, factory, world):
    await factory.deal(world.partner, world.vendor, name="Qualified", stage_index=1)
    await factory.deal(world.partner, world.vendor, name="Proposal", stage_index=2)
    stage = to_global_id("PipelineStage", world.partner.stages[2].id)
    pipeline = to_global_id("Pipeline", world.partner.pipeline.id)
    vendor_pipeline = to_global_id("Pipeline", world.vendor.pipeline.id)

    by_stage = await gql(DEALS, world.partner_user.token, {"filter": {"stageIds": [stage]}})
    by_pipeline = await gql(DEALS, world.partner_user.token, {"filter": {"pipelineId": pipeline}})
    foreign = await gql(
        DEALS, world.partner_user.token, {"filter": {"pipelineId": vendor_pipeline}}
    )

    assert names(by_stage) == ["Proposal"]
    assert sorted(names(by_pipeline)) == ["Proposal", "Qualified"]
    assert names(foreign) == []


@pytest.mark.parametrize(
    ("field", "direction", "expected"),
    [
        ("NAME", "ASC", ["a", "b", "c"]),
        ("NAME", "DESC", ["c", "b", "a"]),
        ("AMOUNT", "ASC", ["b", "c", "a"]),
        ("CLOSE_DATE", "DESC", ["c", "a", "b"]),
        ("ACTIVE_DEAL_REGISTRATIONS", "DESC", ["b", "a", "c"]),
    ],
)
async def test_sort_orders(gql, factory, world, field, direction, expected):
    a = await factory.deal(
        world.partner, world.vendor, name="a", amount=300, close_date=date(2027, 2, 1)
    )
    b = await factory.deal(
        world.partner, world.vendor, name="b", amount=100, close_date=date(2027, 1, 1)
    )
    await factory.deal(
        world.partner, world.vendor, name="c", amount=200, close_date=date(2027, 3, 1)
    )
    await factory.registration(a, world.partner_user)
    await factory.registration(b, world.partner_user)
    await factory.registration(b, world.rep)

    body = await gql(
        DEALS, world.partner_user.token, {"orderBy": {"field": field, "direction": direction}}
    )

    assert names(body) == expected


async def test_keyset_pages_stay_correct_when_rows_are_inserted_between_pages(gql, factory, world):
    for name in ["d1", "d2", "d3", "d4"]:
        await factory.deal(world.partner, world.vendor, name=name)
    order = {"field": "NAME", "direction": "ASC"}
    token = world.partner_user.token

    first = await gql(DEALS, token, {"orderBy": order, "first": 2})
    # A deal sorting before the cursor appears between the two page requests.
    await factory.deal(world.partner, world.vendor, name="d0")
    cursor = first["data"]["deals"]["pageInfo"]["endCursor"]
    second = await gql(DEALS, token, {"orderBy": order, "first": 2, "after": cursor})

    assert names(first) == ["d1", "d2"]
    assert first["data"]["deals"]["pageInfo"]["hasNextPage"] is True
    assert names(second) == ["d3", "d4"]
    assert second["data"]["deals"]["pageInfo"]["hasNextPage"] is False
    assert second["data"]["deals"]["pageInfo"]["hasPreviousPage"] is True


async def test_last_and_before_page_backwards(gql, factory, world):
    for name in ["d1", "d2", "d3", "d4", "d5"]:
        await factory.deal(world.partner, world.vendor, name=name)
    order = {"field": "NAME", "direction": "ASC"}
    token = world.partner_user.token

    tail = await gql(DEALS, token, {"orderBy": order, "last": 2})
    before = tail["data"]["deals"]["pageInfo"]["startCursor"]
    previous = await gql(DEALS, token, {"orderBy": order, "last": 2, "before": before})

    assert names(tail) == ["d4", "d5"]
    assert tail["data"]["deals"]["pageInfo"]["hasPreviousPage"] is True
    assert names(previous) == ["d2", "d3"]


@pytest.mark.parametrize("variables", [{"first": 101}, {"last": 101}, {"first": -1}])
async def test_page_size_is_bounded(gql, world, variables):
    body = await gql(DEALS, world.partner_user.token, variables)
    # over 100: refused before execution (no `data`); negative: by the resolver (data null)
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_cursor_from_another_sort_order_is_rejected(gql, factory, world):
    await factory.deal(world.partner, world.vendor)
    await factory.deal(world.partner, world.vendor)
    token = world.partner_user.token
    page = await gql(DEALS, token, {"first": 1})
    cursor = page["data"]["deals"]["pageInfo"]["endCursor"]

    body = await gql(DEALS, token, {"first": 1, "after": cursor, "orderBy": {"field": "AMOUNT"}})
    garbage = await gql(DEALS, token, {"first": 1, "after": "not a cursor"})

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert garbage["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_foreign_ids_in_a_filter_match_nothing(gql, factory, world):
    await factory.deal(world.partner, world.vendor, team=[world.partner_user])
    token = world.partner_user.token

    body = await gql(
        DEALS, token, {"filter": {"teamMemberId": to_global_id("Deal", world.partner_user.id)}}
    )

    assert body["data"]["deals"]["totalCount"] == 0
