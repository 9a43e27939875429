"""Authentication: bearer tokens over HTTP."""

from __future__ import annotations

from db.tokens import revoke_token

VIEWER = "query { viewer { user { name email } account { name kind } } }"


async def test_missing_token_is_401_unauthenticated(gql, factory):
    # when
    body = await gql(VIEWER, token=None)
    # then
    assert body["_status"] == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in body


async def test_bad_token_is_401(gql, factory):
    body = await gql(VIEWER, token="sdk_not-a-real-token")
    assert body["_status"] == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_valid_token_sees_viewer(gql, factory):
    org = await factory.org()
    person = await factory.person(org, name="Aiko")
    body = await gql(VIEWER, token=person.token)
    assert body["_status"] == 200
    assert body["data"]["viewer"]["user"]["name"] == "Aiko"
    assert body["data"]["viewer"]["account"]["kind"] == "PARTNER"


async def test_revoked_token_stops_working_at_once(gql, factory, database):
    org = await factory.org()
    person = await factory.person(org)
    assert (await gql(VIEWER, token=person.token))["_status"] == 200
    async with database.transaction() as session:
        from sqlmodel import select

        from db.models import ApiToken

        token = (await session.exec(select(ApiToken).where(ApiToken.user_id == person.id))).one()
        assert await revoke_token(session=session, token_id=token.id)
    body = await gql(VIEWER, token=person.token)
    assert body["_status"] == 401


async def test_inactive_user_cannot_authenticate(gql, factory):
    org = await factory.org()
    person = await factory.person(org, active=False)
    assert (await gql(VIEWER, token=person.token))["_status"] == 401


async def test_a_request_records_when_the_token_was_last_used(gql, factory, database):
    from sqlmodel import select

    from db.models import ApiToken

    person = await factory.person(await factory.org())
    assert (await gql(VIEWER, token=person.token))["_status"] == 200
    async with database.session() as session:
        token = (await session.exec(select(ApiToken).where(ApiToken.user_id == person.id))).one()
    assert token.last_used_at is not None
