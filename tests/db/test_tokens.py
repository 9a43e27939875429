"""Token liveness, as open WebSockets re-check it: revoked tokens and inactive users are out."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from db.engine import Database
from db.models import AccountKind, ApiToken, User
from db.tokens import live_tokens, revoke_token
from tests.factories import Person


async def _token_id(database: Database, person: Person) -> int:
    async with database.session() as session:
        found = await session.exec(select(ApiToken.id).where(ApiToken.user_id == person.id))
        token_id = found.one()
    assert token_id is not None
    return token_id


async def _live(database: Database, token_id: int) -> bool:
    async with database.session() as session:
        return token_id in await live_tokens(session=session, token_ids=[token_id])


async def test_a_live_token_of_an_active_user_is_live(database, factory):
    person = await factory.person(await factory.org(AccountKind.PARTNER))
    assert await _live(database, await _token_id(database, person))


async def test_a_revoked_token_is_not_live_and_other_tokens_stay_live(database, factory):
    # given
    org = await factory.org(AccountKind.PARTNER)
    revoked, other = await factory.person(org), await factory.person(org)
    token_id = await _token_id(database, revoked)
    # when
    async with database.transaction() as session:
        assert await revoke_token(session=session, token_id=token_id)
    # then
    assert not await _live(database, token_id)
    assert await _live(database, await _token_id(database, other))


async def test_a_deactivated_users_token_is_not_live(database, factory):
    # given: a user whose token was live
    person = await factory.person(await factory.org(AccountKind.PARTNER))
    token_id = await _token_id(database, person)
    assert await _live(database, token_id)
    # when
    async with database.transaction() as session:
        await session.execute(update(User).where(col(User.id) == person.id).values(is_active=False))
    # then
    assert not await _live(database, token_id)


async def test_an_unknown_token_id_is_not_live(database):
    assert not await _live(database, 123_456)


async def test_many_tokens_are_checked_at_once(database, factory):
    # given: three people of one org, one of whose tokens is revoked
    org = await factory.org(AccountKind.PARTNER)
    people = [await factory.person(org) for _ in range(3)]
    ids = [await _token_id(database, person) for person in people]
    async with database.transaction() as session:
        await revoke_token(session=session, token_id=ids[1])
    # then: one call answers for all of them
    async with database.session() as session:
        assert await live_tokens(session=session, token_ids=ids) == {ids[0], ids[2]}
