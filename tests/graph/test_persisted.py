"""Automatic persisted queries: a client sends a hash the server already knows."""

from __future__ import annotations

import hashlib

import orjson

VIEWER = "query Me { viewer { user { name } } }"


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(digest: str, version: int = 1) -> dict[str, object]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def post(client, token, payload):
    response = await client.post(
        "/graphql", json=payload, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json()


async def test_an_unknown_hash_asks_the_client_for_the_query(client, factory):
    # given
    person = await factory.person(await factory.org())
    # when
    status, body = await post(client, person.token, {"extensions": persisted(sha(VIEWER))})
    # then
    assert status == 200
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "data" not in body


async def test_a_query_sent_once_with_its_hash_runs_from_the_hash_alone(client, factory):
    # given
    person = await factory.person(await factory.org())
    digest = sha(VIEWER)
    _, registered = await post(
        client, person.token, {"query": VIEWER, "extensions": persisted(digest)}
    )
    # when
    _, by_post = await post(client, person.token, {"extensions": persisted(digest)})
    by_get = await client.get(
        "/graphql",
        params={"extensions": orjson.dumps(persisted(digest)).decode()},
        headers={"Authorization": f"Bearer {person.token}"},
    )
    # then
    name = person.user.name
    assert registered["data"] == {"viewer": {"user": {"name": name}}}
    assert by_post["data"] == {"viewer": {"user": {"name": name}}}
    assert by_get.json()["data"] == {"viewer": {"user": {"name": name}}}


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_kept(client, factory):
    # given
    person = await factory.person(await factory.org())
    wrong = sha("query Other { viewer { user { id } } }")
    # when
    status, body = await post(
        client, person.token, {"query": VIEWER, "extensions": persisted(wrong)}
    )
    _, later = await post(client, person.token, {"extensions": persisted(wrong)})
    # then
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert later["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_an_unsupported_version_is_refused(client, factory):
    # given
    person = await factory.person(await factory.org())
    # when
    status, body = await post(
        client, person.token, {"query": VIEWER, "extensions": persisted(sha(VIEWER), version=2)}
    )
    # then
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_VERSION_UNSUPPORTED"
