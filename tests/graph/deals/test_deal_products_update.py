"""`dealProductsUpdate`: replace the products of interest, with version checks."""

from __future__ import annotations

from graph.relay import to_global_id

PRODUCTS_UPDATE = """
mutation($input: DealProductsUpdateInput!) {
  dealProductsUpdate(input: $input) {
    deal { version productsOfInterest { id name } }
    userErrors { field message code }
  }
}
"""

DEAL = """
query($id: ID!) {
  deal(id: $id) {
    version
    productsOfInterest { id }
    activities { totalCount nodes { kind visibility details actor { id } } }
  }
}
"""

UNREAD = "query { viewer { notifications { unreadCount } } }"


def gid(product):
    return to_global_id("Product", product.id)


async def _catalogue(factory):
    return [await factory.product(hub) for hub in ("CRM", "CMS", "Ops")]


async def _update(gql, person, deal, product_ids, expected_version=None, deal_gid=None):
    variables = {
        "input": {
            "dealId": deal_gid or to_global_id("Deal", deal.id),
            "productIds": product_ids,
            "expectedVersion": expected_version,
        }
    }
    body = await gql(PRODUCTS_UPDATE, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["dealProductsUpdate"]


async def _deal(gql, person, deal):
    body = await gql(DEAL, person.token, {"id": to_global_id("Deal", deal.id)})
    return body["data"]["deal"]


async def _unread(gql, person):
    return (await gql(UNREAD, person.token))["data"]["viewer"]["notifications"]["unreadCount"]


async def _assert_unchanged(gql, person, deal, products):
    seen = await _deal(gql, person, deal)
    assert seen["version"] == 1
    assert {p["id"] for p in seen["productsOfInterest"]} == {gid(p) for p in products}
    assert seen["activities"]["totalCount"] == 0


async def test_the_new_set_replaces_the_old_and_bumps_the_version(gql, factory, world):
    # given
    crm, cms, ops = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor, products=[crm, cms])

    # when
    result = await _update(gql, world.partner_user, deal, [gid(cms), gid(ops)], 1)

    # then
    assert result["userErrors"] == []
    assert {p["id"] for p in result["deal"]["productsOfInterest"]} == {gid(cms), gid(ops)}
    assert result["deal"]["version"] == 2


async def test_the_activity_lists_added_and_removed_products(gql, factory, world):
    crm, cms, ops = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor, products=[crm, cms])

    await _update(gql, world.partner_user, deal, [gid(cms), gid(ops)])

    activities = (await _deal(gql, world.rep, deal))["activities"]
    assert activities["totalCount"] == 1
    activity = activities["nodes"][0]
    assert activity["kind"] == "PRODUCTS_CHANGED"
    assert activity["visibility"] == "SHARED"
    assert activity["actor"] == {"id": world.partner_user.gid}
    assert activity["details"] == {
        "added": [{"product_id": ops.id, "name": ops.name}],
        "removed": [{"product_id": crm.id, "name": crm.name}],
    }


async def test_the_change_is_notified_to_the_team_but_not_the_actor(gql, factory, world):
    crm, _, _ = await _catalogue(factory)
    deal = await factory.deal(
        world.partner, world.vendor, team=[world.partner_user, world.partner_admin, world.rep]
    )

    await _update(gql, world.rep, deal, [gid(crm)])

    assert await _unread(gql, world.rep) == 0
    assert await _unread(gql, world.partner_user) == 1
    assert await _unread(gql, world.partner_admin) == 1


async def test_either_side_may_change_the_products(gql, factory, world):
    crm, _, _ = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor)

    result = await _update(gql, world.rep, deal, [gid(crm)])

    assert result["userErrors"] == []
    assert [p["id"] for p in result["deal"]["productsOfInterest"]] == [gid(crm)]


async def test_an_empty_list_clears_the_products(gql, factory, world):
    crm, cms, _ = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor, products=[crm, cms])

    result = await _update(gql, world.partner_user, deal, [])

    assert result["deal"]["productsOfInterest"] == []
    details = (await _deal(gql, world.rep, deal))["activities"]["nodes"][0]["details"]
    assert details["added"] == []
    assert len(details["removed"]) == 2


async def test_the_same_set_writes_nothing(gql, factory, world):
    crm, cms, _ = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor, products=[crm, cms])

    result = await _update(gql, world.partner_user, deal, [gid(cms), gid(crm), gid(cms)], 1)

    assert result["userErrors"] == []
    await _assert_unchanged(gql, world.rep, deal, [crm, cms])


async def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(gql, factory, world):
    # given: someone else changed the deal after we read version 1
    crm, cms, ops = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor, products=[crm])
    await _update(gql, world.rep, deal, [gid(crm), gid(cms)], 1)

    # when
    result = await _update(gql, world.partner_user, deal, [gid(ops)], 1)

    # then
    assert result["deal"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "expectedVersion"], "VERSION_CONFLICT")
    ]
    seen = await _deal(gql, world.rep, deal)
    assert seen["version"] == 2
    assert {p["id"] for p in seen["productsOfInterest"]} == {gid(crm), gid(cms)}
    assert seen["activities"]["totalCount"] == 1


async def test_an_unknown_product_is_not_found_at_its_index(gql, factory, world):
    crm, _, _ = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor, products=[crm])

    result = await _update(
        gql, world.partner_user, deal, [gid(crm), to_global_id("Product", 999_999), "x"]
    )

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "productIds", "1"], "NOT_FOUND"),
        (["input", "productIds", "2"], "NOT_FOUND"),
    ]
    await _assert_unchanged(gql, world.rep, deal, [crm])


async def test_more_than_100_products_are_refused_before_execution(gql, factory, world):
    # db/ops' TOO_MANY backs this up for other callers (tests/db/ops/test_batch_limits.py).
    crm, _, _ = await _catalogue(factory)
    deal = await factory.deal(world.partner, world.vendor)
    variables = {"input": {"dealId": to_global_id("Deal", deal.id), "productIds": [gid(crm)] * 101}}

    body = await gql(PRODUCTS_UPDATE, world.partner_user.token, variables)

    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    await _assert_unchanged(gql, world.rep, deal, [])


async def test_a_deal_of_other_accounts_is_not_found(gql, factory, world):
    crm, _, _ = await _catalogue(factory)
    theirs = await factory.deal(world.other_partner, world.vendor)

    result = await _update(gql, world.partner_user, theirs, [gid(crm)])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]
    await _assert_unchanged(gql, world.rep, theirs, [])
