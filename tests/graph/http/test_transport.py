"""GraphQL over HTTP: media types, methods and status codes as the spec says."""

from __future__ import annotations

import json

from tests.graph.http.conftest import auth

TYPENAME = "{ __typename }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_graphql_response_json_is_used_when_accepted(client, viewer_token):
    response = await client.post(
        "/graphql", json={"query": TYPENAME}, headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json()["data"] == {"__typename": "Query"}


async def test_application_json_is_used_without_an_accept_header(client, viewer_token):
    response = await client.post(
        "/graphql",
        content=json.dumps({"query": TYPENAME}),
        headers={**auth(viewer_token), "Content-Type": "application/json", "Accept": ""},
    )
    assert response.headers["content-type"].startswith("application/json")


async def test_unacceptable_accept_is_406(client, viewer_token):
    response = await client.post(
        "/graphql", json={"query": TYPENAME}, headers=auth(viewer_token, Accept="text/csv")
    )
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


async def test_a_body_that_is_not_json_content_is_415(client, viewer_token):
    response = await client.post(
        "/graphql",
        content=TYPENAME,
        headers=auth(viewer_token, **{"Content-Type": "application/graphql"}),
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_missing_content_type_is_415(client, viewer_token):
    response = await client.post("/graphql", content=b"{}", headers=auth(viewer_token))
    assert response.status_code == 415


async def test_broken_json_is_400(client, viewer_token):
    response = await client.post(
        "/graphql",
        content=b'{ "not a JSON',
        headers=auth(viewer_token, **{"Content-Type": "application/json"}),
    )
    assert response.status_code == 400
    assert "data" not in response.json()


async def test_a_non_string_query_is_400(client, viewer_token):
    response = await client.post("/graphql", json={"query": 0}, headers=auth(viewer_token))
    assert response.status_code == 400


async def test_a_mutation_over_get_is_405_with_allow_post(client, viewer_token):
    response = await client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE),
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_query_over_get_runs(client, viewer_token):
    response = await client.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { deals(first: $n) { totalCount } }",
            "variables": json.dumps({"n": 1}),
        },
        headers=auth(viewer_token),
    )
    assert response.status_code == 200
    assert response.json()["data"]["deals"]["totalCount"] == 1


async def test_parse_errors_are_400_without_data_under_graphql_response_json(client, viewer_token):
    response = await client.post(
        "/graphql", json={"query": "{"}, headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE)
    )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_parse_errors_are_200_without_data_under_application_json(client, viewer_token):
    response = await client.post(
        "/graphql", json={"query": "{"}, headers=auth(viewer_token, Accept="application/json")
    )
    assert response.status_code == 200
    assert "data" not in response.json()


async def test_validation_errors_are_400_without_data(client, viewer_token):
    response = await client.post(
        "/graphql",
        json={"query": "{ noSuchField }"},
        headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE),
    )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_variable_coercion_errors_are_400_without_data(client, viewer_token):
    response = await client.post(
        "/graphql",
        json={"query": "query Q($id: ID!) { deal(id: $id) { name } }", "variables": {"id": None}},
        headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE),
    )
    assert response.status_code == 400
    assert "data" not in response.json()


async def test_an_unknown_operation_name_is_a_request_error(client, viewer_token):
    response = await client.post(
        "/graphql",
        json={"query": "query A { __typename }", "operationName": "B"},
        headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE),
    )
    assert response.status_code == 400
    assert "data" not in response.json()


async def test_a_field_error_keeps_data_and_200(client, viewer_token):
    response = await client.post(
        "/graphql",
        json={"query": '{ deals(first: 1, after: "bad") { totalCount } }'},
        headers=auth(viewer_token, Accept=GRAPHQL_RESPONSE),
    )
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
