"""Security: crafted ids reach nothing foreign, tokens compare in constant time."""

from __future__ import annotations

import hmac

from db.models import AccountKind, ActivityKind
from db.models import DealView as DealViewRow
from graph.relay import to_global_id

NODE = "query Node($id: ID!) { node(id: $id) { __typename id } }"
EVERYTHING = """
query {
  deals(first: 100) { totalCount nodes { id } }
  pipelines { id }
  settings { sharedDealPipeline { id } }
  viewer {
    account { id users(first: 100) { nodes { id } } }
    notifications(first: 100) { totalCount unreadCount }
    dealViews { id }
  }
}
"""


async def _world(factory, database):
    vendor = await factory.org(AccountKind.VENDOR)
    ours = await factory.org()
    theirs = await factory.org()
    me = await factory.person(ours)
    rep = await factory.person(vendor)
    stranger = await factory.person(theirs)
    their_deal = await factory.deal(theirs, vendor, team=[stranger, rep])
    await factory.activity(their_deal, rep, ActivityKind.PRODUCTS_CHANGED)
    async with database.transaction() as session:
        view = DealViewRow(user_id=stranger.id, name="Theirs", filter={})
        session.add(view)
    return me, stranger, their_deal, theirs, view


async def test_another_users_deal_view_is_null_through_node(gql, factory, database):
    me, _, _, _, view = await _world(factory, database)
    body = await gql(NODE, me.token, {"id": to_global_id("DealView", view.id)})
    assert body["data"] == {"node": None}


async def test_ids_of_one_type_never_open_a_foreign_record_of_another(gql, factory, database):
    # given the primary keys of foreign rows, wrapped in every type name
    me, stranger, their_deal, theirs, view = await _world(factory, database)
    keys = {their_deal.id, stranger.id, theirs.id, theirs.pipeline.id, view.id}
    types = ["Deal", "User", "Account", "Pipeline", "PipelineStage", "Notification", "DealView"]
    own_account = to_global_id("Account", me.user.account_id)
    own_user = me.gid
    for type_name in types:
        for key in keys:
            gid = to_global_id(type_name, key)
            body = await gql(NODE, me.token, {"id": gid})
            node = body["data"]["node"]
            # only the viewer's own user/account may share a key with a foreign row
            assert node is None or node["id"] in (own_account, own_user), gid


async def test_no_root_field_shows_another_partners_records(gql, factory, database):
    me, stranger, their_deal, theirs, view = await _world(factory, database)
    body = await gql(EVERYTHING, me.token)
    text = str(body)
    for foreign in (
        to_global_id("Deal", their_deal.id),
        stranger.gid,
        to_global_id("Account", theirs.id),
        to_global_id("Pipeline", theirs.pipeline.id),
        to_global_id("DealView", view.id),
    ):
        assert foreign not in text
    assert body["data"]["deals"]["totalCount"] == 0
    assert body["data"]["viewer"]["notifications"]["totalCount"] == 0


async def test_tokens_are_compared_in_constant_time(gql, factory, monkeypatch):
    # given a spy on hmac.compare_digest (what db/tokens.py calls)
    person = await factory.person(await factory.org())
    compared: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    # when
    body = await gql("{ viewer { user { id } } }", person.token)
    # then
    assert body["_status"] == 200
    assert len(compared) == 1
    stored, presented = compared[0]
    assert stored == presented
    assert len(stored) == 64
    assert person.token not in (stored, presented)
