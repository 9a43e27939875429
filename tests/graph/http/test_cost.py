"""Every response carries its cost: requested before execution, actual after."""

from __future__ import annotations

from db.models import AccountKind
from tests.graph.http.conftest import auth

NESTED = """
query {
  deals(first: 10) {
    nodes { partnerAccount { name } activities(first: 5) { nodes { actor { name } } } }
  }
}
"""


async def _cost(client, token, query, variables=None):
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=auth(token)
    )
    body = response.json()
    assert "errors" not in body, body
    return body["extensions"]["cost"]


async def test_nested_connections_multiply_the_requested_cost(client, viewer_token):
    # deals 1 + 10 × (partnerAccount 1 + activities 1 + 5 × actor 1)
    cost = await _cost(client, viewer_token, NESTED)
    assert cost["requestedQueryCost"] == 1 + 10 * (1 + 1 + 5)


async def test_the_actual_cost_counts_what_was_returned(client, viewer_token):
    # one deal without activities: deals 1 + partnerAccount 1 + activities 1
    cost = await _cost(client, viewer_token, NESTED)
    assert cost["actualQueryCost"] == 3


async def test_page_sizes_given_as_variables_are_priced(client, viewer_token):
    query = "query Q($n: Int) { deals(first: $n) { nodes { vendorAccount { name } } } }"
    cost = await _cost(client, viewer_token, query, {"n": 50})
    assert cost["requestedQueryCost"] == 1 + 50


async def test_a_connection_without_first_or_last_is_priced_at_the_default_page(
    client, viewer_token
):
    cost = await _cost(client, viewer_token, "{ deals { nodes { vendorAccount { name } } } }")
    assert cost["requestedQueryCost"] == 1 + 20


async def test_fragments_are_priced_like_inline_selections(client, viewer_token):
    query = (
        "{ deals(first: 4) { ...Page } }\n"
        "fragment Page on DealConnection { edges { node { vendorAccount { name } } } }"
    )
    cost = await _cost(client, viewer_token, query)
    assert cost["requestedQueryCost"] == 1 + 4


async def test_introspection_is_free(client, viewer_token):
    cost = await _cost(client, viewer_token, "{ __schema { types { name fields { name } } } }")
    assert cost["requestedQueryCost"] == 1


async def test_many_deals_cost_more_when_returned(client, factory):
    partner = await factory.org()
    vendor = await factory.org(AccountKind.VENDOR)
    person = await factory.person(partner)
    for _ in range(3):
        await factory.deal(partner, vendor, team=[person])
    cost = await _cost(
        client, person.token, "{ deals(first: 10) { nodes { vendorAccount { name } } } }"
    )
    assert cost == {
        "requestedQueryCost": 11,
        "actualQueryCost": 4,
        "throttleStatus": cost["throttleStatus"],
    }
