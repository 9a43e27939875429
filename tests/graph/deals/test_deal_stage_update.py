"""`dealStageUpdate`: each account moves the deal in its own pipelines only."""

from __future__ import annotations

from graph.relay import to_global_id

STAGE_UPDATE = """
mutation($input: DealStageUpdateInput!) {
  dealStageUpdate(input: $input) {
    deal { version pipeline { id } stage { id name } }
    userErrors { field message code }
  }
}
"""

DEAL = """
query($id: ID!) {
  deal(id: $id) {
    version
    pipeline { id }
    stage { id }
    activities { totalCount nodes { kind visibility details actor { id } } }
  }
}
"""

NOTIFICATIONS = "query { viewer { notifications { unreadCount nodes { activity { kind } } } } }"


def stage_gid(stage):
    return to_global_id("PipelineStage", stage.id)


async def _move(gql, person, deal, stage, expected_version=None, stage_gid_=None):
    variables = {
        "input": {
            "dealId": to_global_id("Deal", deal.id),
            "stageId": stage_gid_ or stage_gid(stage),
            "expectedVersion": expected_version,
        }
    }
    body = await gql(STAGE_UPDATE, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["dealStageUpdate"]


async def _deal(gql, person, deal):
    return (await gql(DEAL, person.token, {"id": to_global_id("Deal", deal.id)}))["data"]["deal"]


async def _notifications(gql, person):
    return (await gql(NOTIFICATIONS, person.token))["data"]["viewer"]["notifications"]


async def test_moving_changes_the_viewers_placement_and_bumps_the_version(gql, factory, world):
    # given: the factory files the deal in stage 1 ("Qualified") on both sides
    deal = await factory.deal(world.partner, world.vendor)
    proposal = world.partner.stages[2]

    # when
    result = await _move(gql, world.partner_user, deal, proposal, expected_version=1)

    # then
    assert result["userErrors"] == []
    assert result["deal"]["stage"] == {"id": stage_gid(proposal), "name": "Proposal"}
    assert result["deal"]["version"] == 2


async def test_the_other_accounts_placement_is_untouched(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)

    await _move(gql, world.partner_user, deal, world.partner.stages[2])

    seen_by_vendor = await _deal(gql, world.rep, deal)
    assert seen_by_vendor["stage"] == {"id": stage_gid(world.vendor.stages[1])}
    assert seen_by_vendor["pipeline"] == {"id": to_global_id("Pipeline", world.vendor.pipeline.id)}


async def test_the_stage_activity_is_internal_to_the_actors_account(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)

    await _move(gql, world.partner_user, deal, world.partner.stages[2])

    ours = (await _deal(gql, world.partner_admin, deal))["activities"]
    assert ours["totalCount"] == 1
    activity = ours["nodes"][0]
    assert activity["kind"] == "STAGE_CHANGED"
    assert activity["visibility"] == "INTERNAL"
    assert activity["details"]["from_stage"] == "Qualified"
    assert activity["details"]["to_stage"] == "Proposal"
    assert activity["details"]["from_stage_id"] == world.partner.stages[1].id
    assert activity["details"]["to_stage_id"] == world.partner.stages[2].id
    assert (await _deal(gql, world.rep, deal))["activities"]["totalCount"] == 0


async def test_the_stage_activity_is_notified_only_within_the_actors_account(gql, factory, world):
    deal = await factory.deal(
        world.partner, world.vendor, team=[world.partner_user, world.partner_admin, world.rep]
    )

    await _move(gql, world.partner_user, deal, world.partner.stages[2])

    assert (await _notifications(gql, world.partner_user))["unreadCount"] == 0
    admin = await _notifications(gql, world.partner_admin)
    assert [n["activity"]["kind"] for n in admin["nodes"]] == ["STAGE_CHANGED"]
    assert (await _notifications(gql, world.rep))["unreadCount"] == 0


async def test_a_stage_of_another_pipeline_of_the_account_moves_the_pipeline_too(
    gql, factory, world
):
    deal = await factory.deal(world.partner, world.vendor)
    pipeline, stages = await factory.pipeline(world.partner, "Renewals")

    result = await _move(gql, world.partner_user, deal, stages[1])

    assert result["deal"]["pipeline"] == {"id": to_global_id("Pipeline", pipeline.id)}
    assert result["deal"]["stage"]["id"] == stage_gid(stages[1])
    details = (await _deal(gql, world.partner_user, deal))["activities"]["nodes"][0]["details"]
    assert details["from_pipeline_id"] == world.partner.pipeline.id
    assert details["pipeline_id"] == pipeline.id


async def test_moving_to_the_current_stage_writes_nothing(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)

    result = await _move(gql, world.partner_user, deal, world.partner.stages[1])

    assert result["userErrors"] == []
    seen = await _deal(gql, world.partner_user, deal)
    assert seen["version"] == 1
    assert seen["activities"]["totalCount"] == 0


async def test_a_stage_of_the_other_account_is_not_found(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)

    result = await _move(gql, world.partner_user, deal, world.vendor.stages[2])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "stageId"], "NOT_FOUND")
    ]
    assert (await _deal(gql, world.rep, deal))["stage"] == {"id": stage_gid(world.vendor.stages[1])}


async def test_a_malformed_stage_id_is_not_found(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)

    result = await _move(gql, world.partner_user, deal, None, stage_gid_="nonsense")

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "stageId"], "NOT_FOUND")
    ]


async def test_a_stale_expected_version_is_a_conflict(gql, factory, world):
    deal = await factory.deal(world.partner, world.vendor)
    await _move(gql, world.rep, deal, world.vendor.stages[2])

    result = await _move(gql, world.partner_user, deal, world.partner.stages[2], 1)

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "expectedVersion"], "VERSION_CONFLICT")
    ]
    seen = await _deal(gql, world.partner_user, deal)
    assert seen["stage"] == {"id": stage_gid(world.partner.stages[1])}
    assert seen["version"] == 2


async def test_a_deal_of_other_accounts_is_not_found(gql, factory, world):
    theirs = await factory.deal(world.other_partner, world.vendor)

    result = await _move(gql, world.partner_user, theirs, world.partner.stages[2])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "dealId"], "NOT_FOUND")
    ]


async def test_a_vendor_stage_move_is_invisible_to_partner_members(gql, factory, world):
    # given: partner users on the team
    deal = await factory.deal(world.partner, world.vendor, team=[world.partner_user, world.rep])

    # when: the vendor rep moves the deal in the vendor's pipeline
    await _move(gql, world.rep, deal, world.vendor.stages[2])

    # then: neither the partner's activities nor their notifications show it
    assert (await _deal(gql, world.partner_user, deal))["activities"]["totalCount"] == 0
    assert (await _notifications(gql, world.partner_user))["unreadCount"] == 0
    assert (await _deal(gql, world.rep, deal))["activities"]["nodes"][0]["kind"] == "STAGE_CHANGED"
