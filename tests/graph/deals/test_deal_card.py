"""One deal: the shared deal card, per-account placement, summaries and activities."""

from __future__ import annotations

from datetime import timedelta

from db.models import ActivityKind, RegistrationStatus
from graph.relay import to_global_id

DEAL = """
query Deal($id: ID!) {
  deal(id: $id) {
    id name version currency
    pipeline { id name }
    stage { id name }
    partnerAccount { name kind }
    vendorAccount { name kind }
    productsOfInterest { name hub tier }
    activeDealRegistrations
    registrations { status isActive submittedBy { name } }
    team { members { user { name } account { kind } addedBy { name } addedAt } }
    callSummaries(first: 10) {
      totalCount nodes { overview isShared contactsInvolved { name jobTitle } }
    }
    shared: activities(shared: true, first: 10) {
      totalCount nodes { kind visibility actor { name } }
    }
    all: activities(first: 10) { totalCount nodes { kind visibility } }
  }
}
"""


async def test_each_account_sees_its_own_pipeline_and_stage(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor, stage_index=2)
    gid = to_global_id("Deal", deal.id)

    partner = (await gql(DEAL, world.partner_user.token, {"id": gid}))["data"]["deal"]
    vendor = (await gql(DEAL, world.rep.token, {"id": gid}))["data"]["deal"]

    assert partner["pipeline"]["id"] == to_global_id("Pipeline", world.partner.pipeline.id)
    assert partner["stage"]["id"] == to_global_id("PipelineStage", world.partner.stages[2].id)
    assert vendor["pipeline"]["id"] == to_global_id("Pipeline", world.vendor.pipeline.id)
    assert partner["partnerAccount"]["kind"] == "PARTNER"
    assert partner["vendorAccount"]["kind"] == "VENDOR"


async def test_team_mixes_both_sides(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor, team=[world.partner_user, world.rep])

    body = await gql(DEAL, world.partner_user.token, {"id": to_global_id("Deal", deal.id)})

    members = body["data"]["deal"]["team"]["members"]
    assert [m["account"]["kind"] for m in members] == ["PARTNER", "VENDOR"]
    assert [m["user"]["name"] for m in members] == [
        world.partner_user.user.name,
        world.rep.user.name,
    ]


async def test_active_registrations_are_counted_at_read_time(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)
    await factory.registration(deal, world.partner_user)
    await factory.registration(
        deal, world.rep, RegistrationStatus.APPROVED, expires_in=timedelta(seconds=-1)
    )
    await factory.registration(deal, world.partner_user, RegistrationStatus.WITHDRAWN)

    body = await gql(DEAL, world.partner_user.token, {"id": to_global_id("Deal", deal.id)})

    card = body["data"]["deal"]
    assert card["activeDealRegistrations"] == 1
    assert sorted((r["status"], r["isActive"]) for r in card["registrations"]) == [
        ("APPROVED", False),
        ("SUBMITTED", True),
        ("WITHDRAWN", False),
    ]


async def test_partner_sees_only_shared_call_summaries(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)
    await factory.call_summary(deal, world.rep, shared=True, overview="Shared one")
    await factory.call_summary(deal, world.rep, shared=False, overview="Private one")
    gid = to_global_id("Deal", deal.id)

    partner = (await gql(DEAL, world.partner_user.token, {"id": gid}))["data"]["deal"]
    vendor = (await gql(DEAL, world.rep.token, {"id": gid}))["data"]["deal"]

    assert [s["overview"] for s in partner["callSummaries"]["nodes"]] == ["Shared one"]
    assert partner["callSummaries"]["totalCount"] == 1
    assert [s["overview"] for s in vendor["callSummaries"]["nodes"]] == [
        "Private one",
        "Shared one",
    ]


async def test_shared_tab_holds_shared_activities_and_internal_ones_stay_home(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor, team=[world.partner_user, world.rep])
    await factory.activity(deal, world.rep, ActivityKind.CALL_SUMMARY_CREATED)
    await factory.activity(deal, world.rep, ActivityKind.PRODUCTS_CHANGED)
    gid = to_global_id("Deal", deal.id)

    partner = (await gql(DEAL, world.partner_user.token, {"id": gid}))["data"]["deal"]
    vendor = (await gql(DEAL, world.rep.token, {"id": gid}))["data"]["deal"]

    assert [a["kind"] for a in partner["all"]["nodes"]] == ["PRODUCTS_CHANGED"]
    assert [a["kind"] for a in vendor["all"]["nodes"]] == [
        "PRODUCTS_CHANGED",
        "CALL_SUMMARY_CREATED",
    ]
    assert [a["kind"] for a in vendor["shared"]["nodes"]] == ["PRODUCTS_CHANGED"]


async def test_deal_of_another_account_is_null_like_a_missing_one(gql, factory, world):
    theirs = await factory.deal(world.other_partner, world.vendor)

    other = await gql(DEAL, world.partner_user.token, {"id": to_global_id("Deal", theirs.id)})
    missing = await gql(DEAL, world.partner_user.token, {"id": to_global_id("Deal", 999_999)})
    malformed = await gql(DEAL, world.partner_user.token, {"id": "bm9wZQ=="})

    assert other == missing == malformed == {"data": {"deal": None}, "_status": 200}
