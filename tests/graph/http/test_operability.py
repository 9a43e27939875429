"""Health checks, request ids and one structured log line per request."""

from __future__ import annotations

import os

import pytest
from structlog.testing import capture_logs

from tests.graph.http.conftest import auth

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


async def test_healthz_says_the_process_is_alive(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_checks_the_database(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_readyz_is_503_when_redis_is_unreachable(app_with):
    async with app_with(redis_url="redis://127.0.0.1:1/0") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["rate_limiter"] == "unreachable"


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_readyz_checks_redis_when_configured(app_with):
    async with app_with(redis_url=TEST_REDIS_URL) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["rate_limiter"] == "ok"


async def test_every_response_has_a_request_id(client):
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_well_formed_incoming_request_id_is_kept(client):
    response = await client.get("/healthz", headers={"X-Request-Id": "lb-1234"})
    assert response.headers["x-request-id"] == "lb-1234"


async def test_a_malformed_incoming_request_id_is_replaced(client):
    response = await client.get("/healthz", headers={"X-Request-Id": "x" * 500})
    assert response.headers["x-request-id"] != "x" * 500


async def test_each_request_logs_id_operation_duration_cost_and_status(client, viewer_token):
    with capture_logs() as logs:
        response = await client.post(
            "/graphql",
            json={
                "query": "query Home { deals(first: 2) { totalCount } }",
                "operationName": "Home",
            },
            headers=auth(viewer_token),
        )
    line = next(entry for entry in logs if entry["event"] == "request")
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["operation"] == "Home"
    assert line["status"] == 200
    assert line["cost"] == 1
    assert line["duration_ms"] >= 0
