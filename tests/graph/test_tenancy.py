"""Tenancy: nothing of another partner account is reachable, by list or by id."""

from __future__ import annotations

import pytest

from db.models import AccountKind, ActivityKind
from graph.relay import to_global_id
from tests.factories import Factory

NODE = "query Node($id: ID!) { node(id: $id) { __typename id } }"
USERS = "query { viewer { account { users(first: 100) { totalCount nodes { email } } } } }"
PIPELINES = "query { pipelines { id stages { id } } settings { sharedDealPipeline { id } } }"


@pytest.fixture
async def two_partners(factory: Factory):
    vendor = await factory.org(AccountKind.VENDOR)
    ours = await factory.org(AccountKind.PARTNER)
    theirs = await factory.org(AccountKind.PARTNER)
    me = await factory.person(ours)
    rep = await factory.person(vendor)
    stranger = await factory.person(theirs)
    their_deal = await factory.deal(theirs, vendor, team=[stranger, rep])
    await factory.call_summary(their_deal, rep, shared=True)
    activity = await factory.activity(their_deal, rep, ActivityKind.PRODUCTS_CHANGED)
    return {
        "vendor": vendor,
        "ours": ours,
        "theirs": theirs,
        "me": me,
        "rep": rep,
        "stranger": stranger,
        "their_deal": their_deal,
        "activity": activity,
    }


async def test_node_never_returns_another_partners_records(gql, factory, two_partners, database):
    from sqlmodel import select

    from db.models import CallSummary, Notification

    w = two_partners
    async with database.session() as session:
        summary = (await session.exec(select(CallSummary))).one()
        notification = (await session.exec(select(Notification))).one()
    ids = [
        to_global_id("Deal", w["their_deal"].id),
        to_global_id("User", w["stranger"].id),
        to_global_id("Account", w["theirs"].id),
        to_global_id("Pipeline", w["theirs"].pipeline.id),
        to_global_id("PipelineStage", w["theirs"].stages[0].id),
        to_global_id("CallSummary", summary.id),
        to_global_id("Call", summary.call_id),
        to_global_id("Activity", w["activity"].id),
        to_global_id("Notification", notification.id),
        to_global_id("Pipeline", w["vendor"].pipeline.id),
    ]
    for gid in ids:
        body = await gql(NODE, w["me"].token, {"id": gid})
        assert body["data"] == {"node": None}, gid


async def test_node_returns_own_and_counterpart_records(gql, factory, two_partners):
    w = two_partners
    own = await gql(NODE, w["me"].token, {"id": to_global_id("Account", w["ours"].id)})
    vendor = await gql(NODE, w["rep"].token, {"id": to_global_id("User", w["stranger"].id)})
    assert own["data"]["node"]["__typename"] == "Account"
    assert vendor["data"]["node"]["__typename"] == "User"


async def test_lists_show_only_the_viewers_account(gql, two_partners):
    w = two_partners
    users = await gql(USERS, w["me"].token)
    pipelines = await gql(PIPELINES, w["me"].token)

    assert [u["email"] for u in users["data"]["viewer"]["account"]["users"]["nodes"]] == [
        w["me"].user.email
    ]
    assert [p["id"] for p in pipelines["data"]["pipelines"]] == [
        to_global_id("Pipeline", w["ours"].pipeline.id)
    ]
    assert pipelines["data"]["settings"]["sharedDealPipeline"]["id"] == to_global_id(
        "Pipeline", w["ours"].pipeline.id
    )


async def test_users_of_another_account_are_not_listed(gql, two_partners):
    w = two_partners
    query = (
        """query($id: ID!) { deal(id: $id) { vendorAccount { users(first: 5) { totalCount } } } }"""
    )
    body = await gql(query, w["stranger"].token, {"id": to_global_id("Deal", w["their_deal"].id)})
    assert body["data"]["deal"]["vendorAccount"]["users"] is None
