"""`settingsUpdate`: admins choose the pipeline newly shared deals enter."""

from __future__ import annotations

from db.models import AccountKind, PipelineStage, UserRole
from db.ops.placement import entry_placement
from graph.relay import to_global_id

SETTINGS_UPDATE = """
mutation($input: SettingsUpdateInput!) {
  settingsUpdate(input: $input) {
    settings { sharedDealPipeline { id name } }
    userErrors { field message code }
  }
}
"""

SETTINGS = "query { settings { sharedDealPipeline { id } } }"

DEAL_PLACEMENT = "query($id: ID!) { deal(id: $id) { pipeline { id } stage { id } } }"


def pipeline_gid(pipeline):
    return to_global_id("Pipeline", pipeline.id)


async def _update(gql, person, pipeline_gid_):
    variables = {"input": {"sharedDealPipelineId": pipeline_gid_}}
    body = await gql(SETTINGS_UPDATE, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["settingsUpdate"]


async def _shared_deal_pipeline(gql, person):
    return (await gql(SETTINGS, person.token))["data"]["settings"]["sharedDealPipeline"]


async def test_an_admin_changes_the_shared_deal_pipeline(gql, factory):
    # given
    partner = await factory.org(AccountKind.PARTNER)
    admin = await factory.person(partner, role=UserRole.ADMIN)
    pipeline, _ = await factory.pipeline(partner, "Partner sourced")

    # when
    result = await _update(gql, admin, pipeline_gid(pipeline))

    # then
    assert result["userErrors"] == []
    assert result["settings"]["sharedDealPipeline"] == {
        "id": pipeline_gid(pipeline),
        "name": "Partner sourced",
    }
    assert await _shared_deal_pipeline(gql, admin) == {"id": pipeline_gid(pipeline)}


async def test_existing_deals_stay_put_and_later_deals_enter_the_new_pipeline(
    gql, factory, database
):
    # given: a deal filed in the old shared-deal pipeline
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    admin = await factory.person(partner, role=UserRole.ADMIN)
    deal = await factory.deal(partner, vendor)
    pipeline, stages = await factory.pipeline(partner, "Partner sourced")

    # when
    await _update(gql, admin, pipeline_gid(pipeline))

    # then: the old deal keeps its placement
    body = await gql(DEAL_PLACEMENT, admin.token, {"id": to_global_id("Deal", deal.id)})
    assert body["data"]["deal"] == {
        "pipeline": {"id": pipeline_gid(partner.pipeline)},
        "stage": {"id": to_global_id("PipelineStage", partner.stages[1].id)},
    }
    # and a deal shared from now on enters the new pipeline's first open stage
    async with database.session() as session:
        placement = await entry_placement(session=session, account_id=partner.id)
    assert placement == (pipeline.id, stages[0].id)


async def test_a_member_who_is_not_admin_is_forbidden(gql, factory):
    partner = await factory.org(AccountKind.PARTNER)
    member = await factory.person(partner, role=UserRole.MEMBER)
    pipeline, _ = await factory.pipeline(partner, "Partner sourced")

    result = await _update(gql, member, pipeline_gid(pipeline))

    assert result["settings"] is None
    assert [e["code"] for e in result["userErrors"]] == ["FORBIDDEN"]
    assert await _shared_deal_pipeline(gql, member) == {"id": pipeline_gid(partner.pipeline)}


async def test_a_pipeline_of_another_account_is_not_found(gql, factory):
    partner = await factory.org(AccountKind.PARTNER)
    admin = await factory.person(partner, role=UserRole.ADMIN)
    vendor = await factory.org(AccountKind.VENDOR)

    result = await _update(gql, admin, pipeline_gid(vendor.pipeline))

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "sharedDealPipelineId"], "NOT_FOUND")
    ]
    assert await _shared_deal_pipeline(gql, admin) == {"id": pipeline_gid(partner.pipeline)}


async def test_a_malformed_pipeline_id_is_not_found(gql, factory):
    partner = await factory.org(AccountKind.PARTNER)
    admin = await factory.person(partner, role=UserRole.ADMIN)

    result = await _update(gql, admin, to_global_id("PipelineStage", partner.stages[1].id))

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "sharedDealPipelineId"], "NOT_FOUND")
    ]


async def test_a_pipeline_without_an_open_stage_is_invalid(gql, factory, database):
    # given: a pipeline whose stages are all closed
    partner = await factory.org(AccountKind.PARTNER)
    admin = await factory.person(partner, role=UserRole.ADMIN)
    pipeline, stages = await factory.pipeline(partner, "Archive")
    async with database.transaction() as session:
        for stage in stages:
            row = await session.get(PipelineStage, stage.id)
            assert row is not None
            row.is_closed = True
            session.add(row)

    # when
    result = await _update(gql, admin, pipeline_gid(pipeline))

    # then
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "sharedDealPipelineId"], "INVALID")
    ]
    assert await _shared_deal_pipeline(gql, admin) == {"id": pipeline_gid(partner.pipeline)}
