"""Every limit refuses the document before anything executes (no resolver SQL runs)."""

from __future__ import annotations

from tests.graph.http.conftest import auth, beyond_auth

DEALS = "query { deals(first: 5) { nodes { id name } } }"
GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}


def _nested_users(levels: int) -> str:
    """deals → partnerAccount → (users → nodes → account) × levels: 3 more fields a level."""
    inner = "name"
    for _ in range(levels):
        inner = f"users(first: 1) {{ nodes {{ account {{ {inner} }} }} }}"
    return f"query {{ deals(first: 1) {{ nodes {{ partnerAccount {{ {inner} }} }} }} }}"


async def _post(client, token, query, variables=None, headers=GRAPHQL_RESPONSE):
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=auth(token, **headers),
    )
    return response, response.json()


async def test_a_query_within_the_limits_runs_its_resolvers(client, viewer_token, statements):
    # the control for every test below: the recorder does see resolver SQL
    response, body = await _post(client, viewer_token, DEALS)
    assert response.status_code == 200
    assert len(body["data"]["deals"]["nodes"]) == 1
    assert beyond_auth(statements)


async def test_too_deep_a_query_is_refused_before_execution(client, viewer_token, statements):
    # given 3 + 3×5 + 1 = 19 levels, over the default 15
    query = _nested_users(5)
    # when
    response, body = await _post(client, viewer_token, query)
    # then
    assert response.status_code == 400
    assert "data" not in body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
    assert error["extensions"]["depth"] == 19
    assert beyond_auth(statements) == []


async def test_depth_counts_through_fragments(client, viewer_token, statements):
    query = (
        "query { deals(first: 1) { nodes { ...Deep } } }\n"
        "fragment Deep on Deal { partnerAccount { users(first: 1) { nodes { account {"
        " users(first: 1) { nodes { account { users(first: 1) { nodes { account {"
        " users(first: 1) { nodes { account { name } } } } } } } } } } } } } }"
    )
    _response, body = await _post(client, viewer_token, query)
    assert body["errors"][0]["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
    assert beyond_auth(statements) == []


async def test_too_many_aliases_are_refused_before_execution(client, viewer_token, statements):
    aliases = " ".join(f"a{i}: name" for i in range(31))
    query = f"query {{ deals(first: 1) {{ nodes {{ {aliases} }} }} }}"
    response, body = await _post(client, viewer_token, query)
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "MAX_ALIASES_EXCEEDED"
    assert beyond_auth(statements) == []


async def test_aliases_count_every_time_a_fragment_is_spread(client, viewer_token, statements):
    # given a fragment with 8 aliases spread 4 times: 32 aliases once expanded
    query = (
        "query { deals(first: 1) { nodes { ...A } } d2: deals(first: 1) { nodes { ...A } }"
        " d3: deals(first: 1) { nodes { ...A } } }\n"
        "fragment A on Deal { " + " ".join(f"n{i}: name" for i in range(10)) + " }"
    )
    _response, body = await _post(client, viewer_token, query)
    assert body["errors"][0]["extensions"]["code"] == "MAX_ALIASES_EXCEEDED"
    assert body["errors"][0]["extensions"]["aliases"] == 32
    assert beyond_auth(statements) == []


async def test_too_many_tokens_are_refused_before_execution(client, viewer_token, statements):
    fields = " ".join("name" for _ in range(5_000))
    query = f"query {{ deals(first: 1) {{ nodes {{ {fields} }} }} }}"
    response, body = await _post(client, viewer_token, query)
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "MAX_TOKENS_EXCEEDED"
    assert beyond_auth(statements) == []


async def test_too_costly_a_query_is_refused_before_execution(client, viewer_token, statements):
    # given 100 deals × 100 activities each: 1 + 100 + 100×100 activities' actors
    query = (
        "query { deals(first: 100) { nodes { activities(first: 100) {"
        " nodes { actor { name } } } } } }"
    )
    response, body = await _post(client, viewer_token, query)
    assert response.status_code == 400
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1 + 100 + 100 * 100
    assert beyond_auth(statements) == []


async def test_a_page_over_100_is_refused_before_execution(client, viewer_token, statements):
    response, body = await _post(client, viewer_token, "query { deals(first: 101) { totalCount } }")
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["maxPageSize"] == 100
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert beyond_auth(statements) == []


async def test_a_page_over_100_in_a_variable_is_refused_before_execution(
    client, viewer_token, statements
):
    query = "query Deals($n: Int) { deals(last: $n) { totalCount } }"
    _response, body = await _post(client, viewer_token, query, {"n": 1000})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert beyond_auth(statements) == []


async def test_a_list_literal_over_100_items_is_refused_before_execution(
    client, viewer_token, statements
):
    ids = ", ".join(f'"id{i}"' for i in range(101))
    query = f"query {{ deals(first: 1, filter: {{productIds: [{ids}]}}) {{ totalCount }} }}"
    response, body = await _post(client, viewer_token, query)
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    assert beyond_auth(statements) == []


async def test_a_list_variable_over_100_items_is_refused_before_execution(
    client, viewer_token, statements
):
    query = "query Deals($f: DealFilter) { deals(first: 1, filter: $f) { totalCount } }"
    variables = {"f": {"productIds": [f"id{i}" for i in range(101)]}}
    response, body = await _post(client, viewer_token, query, variables)
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    assert beyond_auth(statements) == []


async def test_a_body_over_the_limit_is_413_before_execution(app_with, viewer_token, statements):
    async with app_with(max_body_bytes=2_000) as client:
        response = await client.post(
            "/graphql",
            json={"query": DEALS, "variables": {"pad": "x" * 3_000}},
            headers=auth(viewer_token),
        )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert statements == []


async def test_limits_follow_the_settings(app_with, viewer_token, statements):
    async with app_with(max_query_depth=2) as client:
        response, body = await _post(client, viewer_token, DEALS)
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["maxDepth"] == 2
    assert beyond_auth(statements) == []
