"""`dealViewSave` / `dealViewDelete`: per-user saved filters that `deals(viewId:)` applies."""

from __future__ import annotations

import pytest

from db.models import AccountKind
from graph.relay import to_global_id

VIEW_SAVE = """
mutation($input: DealViewSaveInput!) {
  dealViewSave(input: $input) {
    dealView { id name filter }
    userErrors { field message code }
  }
}
"""

VIEW_DELETE = """
mutation($input: DealViewDeleteInput!) {
  dealViewDelete(input: $input) {
    dealView { id name }
    deletedId
    userErrors { field message code }
  }
}
"""

VIEWS = "query { viewer { dealViews { id name filter } } }"

DEALS_IN_VIEW = "query($viewId: ID!) { deals(viewId: $viewId) { nodes { name } } }"


@pytest.fixture
async def people(factory):
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    ann = await factory.person(partner, name="Ann")
    ben = await factory.person(partner, name="Ben")
    await factory.deal(partner, vendor, name="Acme rollout")
    await factory.deal(partner, vendor, name="Globex pilot")
    return ann, ben


async def _save(gql, person, name, filter_, view_id=None):
    variables = {"input": {"id": view_id, "name": name, "filter": filter_}}
    body = await gql(VIEW_SAVE, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["dealViewSave"]


async def _delete(gql, person, view_id):
    body = await gql(VIEW_DELETE, person.token, {"input": {"id": view_id}})
    assert "errors" not in body, body
    return body["data"]["dealViewDelete"]


async def _views(gql, person):
    return (await gql(VIEWS, person.token))["data"]["viewer"]["dealViews"]


async def _deals_in_view(gql, person, view_id):
    return await gql(DEALS_IN_VIEW, person.token, {"viewId": view_id})


def _names(body):
    return sorted(node["name"] for node in body["data"]["deals"]["nodes"])


def _errors(result):
    return [(e["field"], e["code"]) for e in result["userErrors"]]


async def test_a_saved_view_is_listed_and_applied_by_deals(gql, people):
    # given
    ann, _ = people

    # when
    result = await _save(gql, ann, "  Acme  ", {"nameContains": "acme"})

    # then
    assert result["userErrors"] == []
    view = result["dealView"]
    assert view["name"] == "Acme"
    assert view["filter"] == {"nameContains": "acme"}
    assert await _views(gql, ann) == [view]
    assert _names(await _deals_in_view(gql, ann, view["id"])) == ["Acme rollout"]


async def test_saving_by_id_overwrites_the_view(gql, people):
    ann, _ = people
    view = (await _save(gql, ann, "Acme", {"nameContains": "acme"}))["dealView"]

    result = await _save(gql, ann, "Globex", {"nameContains": "globex"}, view_id=view["id"])

    assert result["dealView"]["id"] == view["id"]
    assert [v["name"] for v in await _views(gql, ann)] == ["Globex"]
    assert _names(await _deals_in_view(gql, ann, view["id"])) == ["Globex pilot"]


async def test_a_view_may_be_saved_again_under_its_own_name(gql, people):
    ann, _ = people
    view = (await _save(gql, ann, "Acme", {"nameContains": "acme"}))["dealView"]

    result = await _save(gql, ann, "Acme", {"nameContains": "rollout"}, view_id=view["id"])

    assert result["userErrors"] == []
    assert result["dealView"]["filter"] == {"nameContains": "rollout"}


async def test_a_second_view_with_the_same_name_is_a_duplicate(gql, people):
    ann, _ = people
    await _save(gql, ann, "Acme", {"nameContains": "acme"})

    result = await _save(gql, ann, "Acme", {"nameContains": "globex"})

    assert _errors(result) == [(["input", "name"], "DUPLICATE")]
    assert len(await _views(gql, ann)) == 1


async def test_names_are_unique_per_user_only(gql, people):
    ann, ben = people
    await _save(gql, ann, "Acme", {"nameContains": "acme"})

    result = await _save(gql, ben, "Acme", {"nameContains": "acme"})

    assert result["userErrors"] == []
    assert [v["name"] for v in await _views(gql, ben)] == ["Acme"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_a_name_outside_1_to_100_characters_is_invalid(gql, people, name):
    ann, _ = people

    result = await _save(gql, ann, name, {})

    assert _errors(result) == [(["input", "name"], "INVALID")]
    assert await _views(gql, ann) == []


async def test_saving_over_another_users_view_is_not_found(gql, people):
    ann, ben = people
    view = (await _save(gql, ann, "Acme", {"nameContains": "acme"}))["dealView"]

    result = await _save(gql, ben, "Mine now", {}, view_id=view["id"])

    assert _errors(result) == [(["input", "id"], "NOT_FOUND")]
    assert [v["name"] for v in await _views(gql, ann)] == ["Acme"]


async def test_saving_over_a_malformed_id_is_not_found(gql, people):
    ann, _ = people

    result = await _save(gql, ann, "Acme", {}, view_id="nonsense")

    assert _errors(result) == [(["input", "id"], "NOT_FOUND")]


async def test_another_users_view_cannot_be_applied(gql, people):
    ann, ben = people
    view = (await _save(gql, ann, "Acme", {"nameContains": "acme"}))["dealView"]

    body = await _deals_in_view(gql, ben, view["id"])

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_deleting_returns_the_view_and_removes_it(gql, people):
    # given
    ann, _ = people
    view = (await _save(gql, ann, "Acme", {"nameContains": "acme"}))["dealView"]

    # when
    result = await _delete(gql, ann, view["id"])

    # then
    assert result["userErrors"] == []
    assert result["dealView"] == {"id": view["id"], "name": "Acme"}
    assert result["deletedId"] == view["id"]
    assert await _views(gql, ann) == []
    assert (await _deals_in_view(gql, ann, view["id"]))["errors"][0]["extensions"]["code"] == (
        "NOT_FOUND"
    )


async def test_deleting_another_users_view_is_not_found(gql, people):
    ann, ben = people
    view = (await _save(gql, ann, "Acme", {"nameContains": "acme"}))["dealView"]

    result = await _delete(gql, ben, view["id"])

    assert result["deletedId"] is None
    assert _errors(result) == [(["input", "id"], "NOT_FOUND")]
    assert len(await _views(gql, ann)) == 1


async def test_a_view_stores_every_filter_field(gql, people):
    ann, _ = people
    stage = to_global_id("PipelineStage", 1)
    filter_ = {
        "activeDealRegistrations": {"gte": 1, "lte": None},
        "stageIds": [stage],
        "closeDate": {"from": "2027-01-01", "to": None},
        "nameContains": "a",
    }

    result = await _save(gql, ann, "Many", filter_)

    assert result["dealView"]["filter"] == filter_
