"""Named nasty inputs: NUL bytes, huge values, crafted ids, deep nesting, cycles, unicode."""

from __future__ import annotations

import base64

import pytest

from db.models import AccountKind
from graph.relay import to_global_id

DEAL = "query($id: ID!) { deal(id: $id) { name } node(id: $id) { id } }"
DEALS_NAMED = (
    "query($name: String) { deals(first: 5, filter: {nameContains: $name}) { totalCount } }"
)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _codes(body) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


@pytest.fixture
async def world(factory):
    partner = await factory.org()
    other = await factory.org()
    vendor = await factory.org(AccountKind.VENDOR)
    me = await factory.person(partner)
    stranger = await factory.person(other)
    mine = await factory.deal(partner, vendor, team=[me], name="Ünïcødé 🚀 عربى")
    theirs = await factory.deal(other, vendor, team=[stranger])
    return me, stranger, mine, theirs


async def test_nul_bytes_in_variables_are_bad_input(gql, world):
    me, *_ = world
    body = await gql(DEALS_NAMED, me.token, {"name": "a\x00b"})
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_nul_bytes_in_the_document_are_bad_input(gql, world):
    me, *_ = world
    body = await gql('{ deals(filter: {nameContains: "a\\u0000b"}) { totalCount } }', me.token)
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_a_huge_string_is_answered(gql, world):
    me, *_ = world
    body = await gql(DEALS_NAMED, me.token, {"name": "x" * 200_000})
    assert body["data"]["deals"]["totalCount"] == 0


@pytest.mark.parametrize("first", [2**31, 2**63, -(2**31) - 1, 10**30])
async def test_huge_numbers_are_refused_not_crashed_on(gql, world, first):
    me, *_ = world
    body = await gql("query($n: Int) { deals(first: $n) { totalCount } }", me.token, {"n": first})
    assert "data" not in body
    assert body["errors"]


async def test_a_negative_page_size_is_bad_input(gql, world):
    me, *_ = world
    body = await gql("{ deals(first: -5) { totalCount } }", me.token)
    assert _codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "gid",
    [
        "",
        "!!!",
        "not base64 at all",
        _b64("Deal:"),
        _b64("Deal:abc"),
        _b64("Deal:-1"),
        _b64("Deal:99999999999999999999999"),
        _b64("Deal:١٢"),  # Arabic-Indic digits
        _b64("\x00:1"),
        "RGVhbDox" * 100,
        "🚀",
    ],
)
async def test_malformed_global_ids_resolve_to_null(gql, world, gid):
    me, *_ = world
    body = await gql(DEAL, me.token, {"id": gid})
    if "\x00" in gid:
        assert _codes(body) == ["BAD_USER_INPUT"]
        return
    assert body["data"] == {"deal": None, "node": None}


async def test_an_id_of_another_type_resolves_to_null(gql, world):
    me, _, mine, _ = world
    body = await gql(DEAL, me.token, {"id": to_global_id("User", mine.id)})
    assert body["data"]["deal"] is None


async def test_an_id_of_another_accounts_deal_resolves_to_null(gql, world):
    me, _, _, theirs = world
    body = await gql(DEAL, me.token, {"id": to_global_id("Deal", theirs.id)})
    assert body["data"] == {"deal": None, "node": None}


async def test_deeply_nested_braces_are_a_request_error(gql, world):
    me, *_ = world
    body = await gql("{" * 5_000 + "}" * 5_000, me.token)
    assert "data" not in body
    assert body["errors"]


async def test_circular_fragments_are_a_request_error(gql, world):
    me, *_ = world
    query = (
        "{ deals(first: 1) { nodes { ...A } } }\n"
        "fragment A on Deal { name ...B }\n"
        "fragment B on Deal { id ...A }"
    )
    body = await gql(query, me.token)
    assert "data" not in body
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_unicode_round_trips_everywhere(gql, world):
    me, *_ = world
    body = await gql(
        # names in GraphQL are ASCII; values (and comments) may be any unicode
        "# コメント 🚀\nquery Uni($name: String) { deals(first: 5, filter: {nameContains: $name}) "
        "{ nodes { name } } }",
        me.token,
        {"name": "🚀"},
    )
    assert body["data"]["deals"]["nodes"] == [{"name": "Ünïcødé 🚀 عربى"}]


async def test_unicode_in_an_unknown_operation_name_is_a_request_error(gql, world):
    me, *_ = world
    body = await gql("query A { __typename }", me.token, operationName="Ωμέγα\u202e")
    assert "data" not in body


async def test_a_unicode_name_in_the_document_is_a_parse_error(gql, world):
    me, *_ = world
    body = await gql("query Ünïcødé { __typename }", me.token)
    assert _codes(body) == ["GRAPHQL_PARSE_FAILED"]
