"""`dealTeamUpdate` refusals: each rejects the whole batch and writes nothing."""

from __future__ import annotations

from db.models import AccountKind
from graph.relay import to_global_id
from tests.graph.teams.operations import (
    TEAM_UPDATE,
    assert_nothing_written,
    update,
)


async def test_a_partner_adding_a_vendor_user_is_not_own_account(gql, factory, world):
    vendor_colleague = await factory.person(world.vendor)

    result = await update(gql, world.alice, world, add=[vendor_colleague.gid])

    assert result["deal"] is None
    assert result["userErrors"] == [
        {
            "field": ["input", "add", "0"],
            "message": "Only users of your own account can be added or removed.",
            "code": "NOT_OWN_ACCOUNT",
        }
    ]
    await assert_nothing_written(gql, world)


async def test_a_vendor_removing_a_partner_member_is_not_own_account(gql, world):
    result = await update(gql, world.vera, world, remove=[world.alice.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "remove", "0"], "NOT_OWN_ACCOUNT")
    ]
    await assert_nothing_written(gql, world)


async def test_a_user_of_an_unrelated_account_is_not_found(gql, factory, world):
    # given: an account that shares no deal with Alice's
    stranger = await factory.person(await factory.org(AccountKind.PARTNER))

    result = await update(gql, world.alice, world, add=[stranger.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "NOT_FOUND")
    ]
    await assert_nothing_written(gql, world)


async def test_an_unknown_or_malformed_user_id_is_not_found(gql, world):
    result = await update(gql, world.alice, world, add=[to_global_id("User", 999_999), "nonsense"])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "NOT_FOUND"),
        (["input", "add", "1"], "NOT_FOUND"),
    ]


async def test_adding_an_inactive_colleague_is_refused(gql, factory, world):
    retired = await factory.person(world.partner, active=False)

    result = await update(gql, world.alice, world, add=[retired.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "USER_INACTIVE")
    ]
    await assert_nothing_written(gql, world)


async def test_one_bad_entry_rejects_the_whole_batch_and_every_error_is_reported(
    gql, factory, world
):
    # given
    retired = await factory.person(world.partner, active=False)
    vendor_colleague = await factory.person(world.vendor)

    # when
    result = await update(
        gql, world.alice, world, add=[world.bob.gid, retired.gid], remove=[vendor_colleague.gid]
    )

    # then
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "1"], "USER_INACTIVE"),
        (["input", "remove", "0"], "NOT_OWN_ACCOUNT"),
    ]
    await assert_nothing_written(gql, world)


async def test_adding_and_removing_the_same_user_is_invalid(gql, world):
    result = await update(gql, world.alice, world, add=[world.bob.gid], remove=[world.bob.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "INVALID")
    ]
    await assert_nothing_written(gql, world)


async def test_more_than_100_ids_are_refused_before_execution(gql, world):
    # The HTTP endpoint refuses any list input over 100 items (graph/limits.py);
    # db/ops' TOO_MANY backs it up for other callers (tests/db/ops/test_batch_limits.py).
    variables = {"input": {"dealId": world.deal_gid, "add": [world.bob.gid] * 101}}

    body = await gql(TEAM_UPDATE, world.alice.token, variables)

    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    await assert_nothing_written(gql, world)


async def test_a_deal_of_other_accounts_is_not_found(gql, factory, world):
    # given: a deal between two other accounts
    other = await factory.deal(await factory.org(AccountKind.PARTNER), world.vendor)

    result = await update(
        gql, world.alice, world, add=[world.bob.gid], deal_gid=to_global_id("Deal", other.id)
    )

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]


async def test_a_malformed_deal_id_is_not_found(gql, world):
    result = await update(gql, world.alice, world, add=[world.bob.gid], deal_gid="nonsense")

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]
