"""`dealTeamUpdate`: own-account, active users only; atomic, idempotent, one activity each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.models import AccountKind, Deal
from graph.relay import to_global_id
from tests.factories import Org, Person

TEAM_UPDATE = """
mutation($input: DealTeamUpdateInput!) {
  dealTeamUpdate(input: $input) {
    deal { id version }
    team { members { user { id } account { kind } addedBy { id } addedAt } }
    userErrors { field message code }
  }
}
"""

DEAL = """
query($id: ID!) {
  deal(id: $id) {
    version
    team { members { user { id } } }
    activities { totalCount nodes { kind visibility details actor { id } } }
  }
}
"""

NOTIFICATIONS = """
query { viewer { notifications { unreadCount nodes { activity { kind details } } } } }
"""


@dataclass
class World:
    """A partner (Alice, Bob) and a vendor (Vera) sharing a deal whose team is Alice and Vera."""

    partner: Org
    vendor: Org
    alice: Person
    bob: Person
    vera: Person
    deal: Deal

    @property
    def deal_gid(self) -> str:
        assert self.deal.id is not None
        return to_global_id("Deal", self.deal.id)


async def _world(factory: Any) -> World:
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    alice = await factory.person(partner, name="Alice")
    bob = await factory.person(partner, name="Bob")
    vera = await factory.person(vendor, name="Vera")
    deal = await factory.deal(partner, vendor, team=[alice, vera])
    return World(partner, vendor, alice, bob, vera, deal)


async def _update(gql, person, world, add=None, remove=None, deal_gid=None):
    variables = {"input": {"dealId": deal_gid or world.deal_gid, "add": add, "remove": remove}}
    body = await gql(TEAM_UPDATE, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["dealTeamUpdate"]


async def _deal(gql, person, world):
    body = await gql(DEAL, person.token, {"id": world.deal_gid})
    return body["data"]["deal"]


async def _notifications(gql, person):
    body = await gql(NOTIFICATIONS, person.token)
    return body["data"]["viewer"]["notifications"]


def _member_ids(result):
    return {member["user"]["id"] for member in result["team"]["members"]}


async def _assert_nothing_written(gql, world):
    deal = await _deal(gql, world.vera, world)
    assert deal["version"] == 1
    assert deal["activities"]["totalCount"] == 0
    assert {m["user"]["id"] for m in deal["team"]["members"]} == {world.alice.gid, world.vera.gid}


async def test_adding_a_colleague_makes_them_a_member_added_by_the_actor(gql, factory):
    # given
    w = await _world(factory)

    # when
    result = await _update(gql, w.alice, w, add=[w.bob.gid])

    # then
    assert result["userErrors"] == []
    assert _member_ids(result) == {w.alice.gid, w.vera.gid, w.bob.gid}
    bob = next(m for m in result["team"]["members"] if m["user"]["id"] == w.bob.gid)
    assert bob["addedBy"] == {"id": w.alice.gid}
    assert bob["addedAt"]
    assert bob["account"]["kind"] == "PARTNER"
    assert result["deal"]["version"] == 2


async def test_adding_a_colleague_writes_one_shared_activity(gql, factory):
    w = await _world(factory)

    await _update(gql, w.alice, w, add=[w.bob.gid])

    seen_by_vendor = await _deal(gql, w.vera, w)
    assert seen_by_vendor["activities"]["totalCount"] == 1
    activity = seen_by_vendor["activities"]["nodes"][0]
    assert activity["kind"] == "TEAM_MEMBER_ADDED"
    assert activity["visibility"] == "SHARED"
    assert activity["actor"] == {"id": w.alice.gid}
    assert activity["details"]["user_id"] == w.bob.id
    assert activity["details"]["user_name"] == "Bob"


async def test_adding_a_colleague_notifies_every_other_member_but_not_the_actor(gql, factory):
    w = await _world(factory)

    await _update(gql, w.alice, w, add=[w.bob.gid])

    assert (await _notifications(gql, w.alice))["unreadCount"] == 0
    for member in (w.bob, w.vera):
        notifications = await _notifications(gql, member)
        assert notifications["unreadCount"] == 1
        assert notifications["nodes"][0]["activity"]["kind"] == "TEAM_MEMBER_ADDED"


async def test_adding_an_existing_member_again_writes_nothing(gql, factory):
    w = await _world(factory)
    await _update(gql, w.alice, w, add=[w.bob.gid])

    result = await _update(gql, w.alice, w, add=[w.bob.gid, w.alice.gid])

    assert result["userErrors"] == []
    assert result["deal"]["version"] == 2
    assert (await _deal(gql, w.vera, w))["activities"]["totalCount"] == 1
    assert (await _notifications(gql, w.vera))["unreadCount"] == 1


async def test_removing_a_non_member_writes_nothing(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.alice, w, remove=[w.bob.gid])

    assert result["userErrors"] == []
    await _assert_nothing_written(gql, w)


async def test_the_same_id_twice_is_one_change(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.alice, w, add=[w.bob.gid, w.bob.gid])

    assert result["deal"]["version"] == 2
    assert (await _deal(gql, w.vera, w))["activities"]["totalCount"] == 1


async def test_removing_a_member_writes_one_removal_activity(gql, factory):
    w = await _world(factory)
    await _update(gql, w.alice, w, add=[w.bob.gid])

    result = await _update(gql, w.alice, w, remove=[w.bob.gid])

    assert result["userErrors"] == []
    assert _member_ids(result) == {w.alice.gid, w.vera.gid}
    assert result["deal"]["version"] == 3
    kinds = [a["kind"] for a in (await _deal(gql, w.vera, w))["activities"]["nodes"]]
    assert kinds == ["TEAM_MEMBER_REMOVED", "TEAM_MEMBER_ADDED"]


async def test_a_removed_member_is_told_nothing_from_their_removal_on(gql, factory):
    # given: Bob was added (one notification), then removed
    w = await _world(factory)
    carol = await factory.person(w.partner, name="Carol")
    await _update(gql, w.alice, w, add=[w.bob.gid])
    await _update(gql, w.alice, w, remove=[w.bob.gid])

    # when: the deal changes again
    await _update(gql, w.alice, w, add=[carol.gid])

    # then
    notifications = await _notifications(gql, w.bob)
    assert [n["activity"]["kind"] for n in notifications["nodes"]] == ["TEAM_MEMBER_ADDED"]
    assert (await _notifications(gql, w.vera))["unreadCount"] == 3


async def test_a_member_may_remove_themselves(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.alice, w, remove=[w.alice.gid])

    assert _member_ids(result) == {w.vera.gid}
    assert (await _notifications(gql, w.vera))["unreadCount"] == 1


async def test_adding_and_removing_in_one_batch_notifies_the_team_after_the_batch(gql, factory):
    # given
    w = await _world(factory)
    carol = await factory.person(w.partner, name="Carol")
    await _update(gql, w.alice, w, add=[w.bob.gid])

    # when
    result = await _update(gql, w.alice, w, add=[carol.gid], remove=[w.bob.gid])

    # then: one version step, two activities, Carol told of both, Bob of neither
    assert result["deal"]["version"] == 3
    assert _member_ids(result) == {w.alice.gid, w.vera.gid, carol.gid}
    assert (await _notifications(gql, carol))["unreadCount"] == 2
    assert (await _notifications(gql, w.bob))["unreadCount"] == 1
    assert (await _notifications(gql, w.vera))["unreadCount"] == 3


async def test_a_partner_adding_a_vendor_user_is_not_own_account(gql, factory):
    w = await _world(factory)
    vendor_colleague = await factory.person(w.vendor)

    result = await _update(gql, w.alice, w, add=[vendor_colleague.gid])

    assert result["deal"] is None
    assert result["userErrors"] == [
        {
            "field": ["input", "add", "0"],
            "message": "Only users of your own account can be added or removed.",
            "code": "NOT_OWN_ACCOUNT",
        }
    ]
    await _assert_nothing_written(gql, w)


async def test_a_vendor_removing_a_partner_member_is_not_own_account(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.vera, w, remove=[w.alice.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "remove", "0"], "NOT_OWN_ACCOUNT")
    ]
    await _assert_nothing_written(gql, w)


async def test_a_user_of_an_unrelated_account_is_not_found(gql, factory):
    # given: an account that shares no deal with Alice's
    w = await _world(factory)
    stranger = await factory.person(await factory.org(AccountKind.PARTNER))

    result = await _update(gql, w.alice, w, add=[stranger.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "NOT_FOUND")
    ]
    await _assert_nothing_written(gql, w)


async def test_an_unknown_or_malformed_user_id_is_not_found(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.alice, w, add=[to_global_id("User", 999_999), "nonsense"])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "NOT_FOUND"),
        (["input", "add", "1"], "NOT_FOUND"),
    ]


async def test_adding_an_inactive_colleague_is_refused(gql, factory):
    w = await _world(factory)
    retired = await factory.person(w.partner, active=False)

    result = await _update(gql, w.alice, w, add=[retired.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "USER_INACTIVE")
    ]
    await _assert_nothing_written(gql, w)


async def test_one_bad_entry_rejects_the_whole_batch_and_every_error_is_reported(gql, factory):
    # given
    w = await _world(factory)
    retired = await factory.person(w.partner, active=False)
    vendor_colleague = await factory.person(w.vendor)

    # when
    result = await _update(
        gql, w.alice, w, add=[w.bob.gid, retired.gid], remove=[vendor_colleague.gid]
    )

    # then
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "1"], "USER_INACTIVE"),
        (["input", "remove", "0"], "NOT_OWN_ACCOUNT"),
    ]
    await _assert_nothing_written(gql, w)


async def test_adding_and_removing_the_same_user_is_invalid(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.alice, w, add=[w.bob.gid], remove=[w.bob.gid])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "add", "0"], "INVALID")
    ]
    await _assert_nothing_written(gql, w)


async def test_more_than_100_ids_is_too_many(gql, factory):
    # The HTTP endpoint refuses any list input over 100 items before execution
    # (graph/limits.py); the TOO_MANY userError (db/ops) backs it up for other callers.
    w = await _world(factory)
    variables = {"input": {"dealId": w.deal_gid, "add": [w.bob.gid] * 101, "remove": None}}

    body = await gql(TEAM_UPDATE, w.alice.token, variables)

    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    await _assert_nothing_written(gql, w)


async def test_a_deal_of_other_accounts_is_not_found(gql, factory):
    # given: a deal between two other accounts
    w = await _world(factory)
    other = await factory.deal(await factory.org(AccountKind.PARTNER), w.vendor)

    result = await _update(
        gql, w.alice, w, add=[w.bob.gid], deal_gid=to_global_id("Deal", other.id)
    )

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]


async def test_a_malformed_deal_id_is_not_found(gql, factory):
    w = await _world(factory)

    result = await _update(gql, w.alice, w, add=[w.bob.gid], deal_gid="nonsense")

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]
