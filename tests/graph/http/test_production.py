"""Production mode: no GraphiQL, no introspection, no internals in any response."""

from __future__ import annotations

from sqlalchemy import text
from structlog.testing import capture_logs

from tests.graph.http.conftest import auth

SCHEMA = "{ __schema { types { name } } }"
DEALS = "{ deals(first: 1) { nodes { name } } }"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


async def test_production_serves_no_graphiql(app_with):
    async with app_with(app_env="production") as client:
        response = await client.get("/graphql", headers=BROWSER)
    assert "text/html" not in response.headers["content-type"]
    assert response.status_code == 400


async def test_development_serves_graphiql(app_with):
    async with app_with() as client:
        response = await client.get("/graphql", headers=BROWSER)
    assert response.headers["content-type"].startswith("text/html")


async def test_production_refuses_introspection(app_with, viewer_token):
    async with app_with(app_env="production") as client:
        response = await client.post("/graphql", json={"query": SCHEMA}, headers=auth(viewer_token))
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_production_still_answers_typename(app_with, viewer_token):
    async with app_with(app_env="production") as client:
        response = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers=auth(viewer_token)
        )
    assert response.json()["data"] == {"__typename": "Query"}


async def test_introspection_can_be_switched_on_in_production(app_with, viewer_token):
    async with app_with(app_env="production", introspection=True) as client:
        response = await client.post("/graphql", json={"query": SCHEMA}, headers=auth(viewer_token))
    assert response.json()["data"]["__schema"]["types"]


async def test_production_gives_no_field_suggestions(app_with, viewer_token):
    async with app_with(app_env="production") as client:
        response = await client.post(
            "/graphql", json={"query": "{ deal { nme } }"}, headers=auth(viewer_token)
        )
    messages = " ".join(error["message"] for error in response.json()["errors"])
    assert "Did you mean" not in messages


async def test_a_database_error_is_masked_and_logged_with_the_request_id(
    app_with, viewer_token, database
):
    # given a database that lost a table the deals list reads
    async with database.transaction() as session:
        await session.execute(text("ALTER TABLE deal RENAME TO deal_gone"))
    # when
    with capture_logs() as logs:
        async with app_with(app_env="production") as client:
            response = await client.post(
                "/graphql", json={"query": DEALS}, headers=auth(viewer_token)
            )
    # then the client sees a generic error with the request id
    body = response.json()
    request_id = response.headers["x-request-id"]
    error = body["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    for leak in ("SELECT", "deal_gone", "Traceback", "sqlalchemy", "File "):
        assert leak not in response.text
    # and the log has the full error under the same id
    logged = [entry for entry in logs if entry["event"] == "unhandled_error"]
    assert logged[0]["request_id"] == request_id
    assert "deal" in logged[0]["error"]


async def test_development_masks_database_errors_too(app_with, viewer_token, database):
    async with database.transaction() as session:
        await session.execute(text("ALTER TABLE deal RENAME TO deal_gone"))
    async with app_with() as client:
        response = await client.post("/graphql", json={"query": DEALS}, headers=auth(viewer_token))
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "SELECT" not in response.text
