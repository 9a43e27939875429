"""Bearer-token authentication for HTTP requests and WebSocket connections."""

from __future__ import annotations

from db.engine import Database
from db.tokens import authenticate, touch_token
from graph.context import Viewer


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if well-formed."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def viewer_for(database: Database, header: str | None) -> Viewer | None:
    """The viewer a bearer header authenticates, or None (missing, bad or revoked)."""
    token = bearer_token(header)
    if token is None:
        return None
    async with database.session() as session:
        found = await authenticate(session=session, token=token)
    if found is None:
        return None
    if found.stale:
        async with database.transaction() as session:
            await touch_token(session=session, token_id=found.token_id)
    return Viewer(user=found.user, account=found.account, token_id=found.token_id)
