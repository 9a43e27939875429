"""API tokens: created once, stored as SHA-256 digests, revocable at once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Account, ApiToken, User, utcnow
from db.queries import in_chunks

TOKEN_PREFIX = "sdk_"  # noqa: S105  (a public prefix, not a secret)
# last_used_at is written at most this often per token, to keep reads read-only.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    """The stored digest of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Authenticated:
    """The user behind a valid token, with their account."""

    user: User
    account: Account
    token_id: int
    # last_used_at is due for an update (done by `touch_token` in a write transaction).
    stale: bool = False


async def create_token(*, session: AsyncSession, user_id: int, name: str = "default") -> str:
    """Make a new token for a user and return its secret (shown only this once)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user_id, name=name, token_hash=hash_token(secret), prefix=secret[:10])
    )
    await session.flush()
    return secret


async def revoke_token(*, session: AsyncSession, token_id: int) -> bool:
    """Revoke a token; returns False when there was no such live token."""
    result = await session.execute(
        update(ApiToken)
        .where(col(ApiToken.id) == token_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def live_tokens(*, session: AsyncSession, token_ids: Collection[int]) -> set[int]:
    """Which of `token_ids` are unrevoked with their user active (one query per 1,000).

    Open WebSockets re-check their tokens whenever they are woken, to notice a
    revocation or a deactivation after they authenticated; a server process asks
    for all of its sockets' tokens woken together at once.
    """
    live: set[int] = set()
    for chunk in in_chunks(token_ids):
        found = await session.exec(
            select(ApiToken.id)
            .join(User, col(User.id) == ApiToken.user_id)  # type: ignore[arg-type]
            .where(
                col(ApiToken.id).in_(chunk),
                col(ApiToken.revoked_at).is_(None),
                col(User.is_active).is_(True),
            )
        )
        live.update(token_id for token_id in found.all() if token_id is not None)
    return live


async def deactivate_user(*, session: AsyncSession, email: str) -> list[int] | None:
    """Deactivate the active user with `email`; the ids of their tokens that were live
    (they stop authenticating now), or None when there was no such active user."""
    user = (
        await session.exec(select(User).where(User.email == email, col(User.is_active)))
    ).first()
    if user is None:
        return None
    user.is_active = False
    session.add(user)
    tokens = await session.exec(
        select(ApiToken.id).where(ApiToken.user_id == user.id, col(ApiToken.revoked_at).is_(None))
    )
    return [token_id for token_id in tokens.all() if token_id is not None]


async def authenticate(*, session: AsyncSession, token: str) -> Authenticated | None:
    """The active user a live token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = (
        await session.exec(
            select(ApiToken, User, Account)
            .join(User, col(User.id) == ApiToken.user_id)  # type: ignore[arg-type]
            .join(Account, col(Account.id) == User.account_id)  # type: ignore[arg-type]
            .where(ApiToken.token_hash == digest)
        )
    ).first()
    if row is None:
        return None
    api_token, user, account = row
    # The index found the row; compare in constant time anyway (defence in depth).
    if not hmac.compare_digest(api_token.token_hash, digest):
        return None
    if api_token.revoked_at is not None or not user.is_active:
        return None
    last_used = api_token.last_used_at
    stale = last_used is None or utcnow() - last_used > LAST_USED_GRANULARITY
    assert api_token.id is not None
    return Authenticated(user=user, account=account, token_id=api_token.id, stale=stale)


async def touch_token(*, session: AsyncSession, token_id: int) -> None:
    """Record that a token was just used; run it in a write transaction.

    Kept apart from `authenticate` because on SQLite a read transaction that
    turns into a write fails at once ("database is locked") while another
    writer holds the lock, instead of waiting its turn.
    """
    await session.execute(
        update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=utcnow())
    )
