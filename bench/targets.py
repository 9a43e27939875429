"""What the benchmark exercises on a seeded database: the viewer, deals and users it uses."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bench.operations import DEAL_CARD, DEAL_TEAM_UPDATE, DEALS_HOME
from bench.seed import BenchDatabase
from db.config import normalize_database_url
from db.models import ApiToken, CallSummary, Deal, User
from db.tokens import hash_token


def gid(type_name: str, pk: int) -> str:
    """A Relay global id."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def body(query: str, variables: dict[str, object]) -> bytes:
    """A GraphQL POST body."""
    return orjson.dumps({"query": query, "variables": variables})


@dataclass(frozen=True, slots=True)
class Targets:
    """Request bodies for each scenario, as one partner user."""

    token: str
    deals_home: bytes
    deal_cards: list[bytes]
    team_updates: list[bytes]
    deals_home_hash: bytes
    deals_home_register: bytes

    def deals_home_page(self, first: int) -> bytes:
        """The deals-home body with another page size."""
        return body(DEALS_HOME, {"first": first})


async def _ids(url: str, token: str) -> tuple[list[int], list[int]]:
    tables = {m.__name__: m.__table__ for m in (ApiToken, User, Deal, CallSummary)}  # type: ignore[attr-defined]
    user, deal, summary = tables["User"], tables["Deal"], tables["CallSummary"]
    engine = create_async_engine(normalize_database_url(url))
    try:
        async with engine.connect() as conn:
            token_row = tables["ApiToken"]
            viewer = (
                await conn.execute(
                    select(user.c.id, user.c.account_id)
                    .join(token_row, token_row.c.user_id == user.c.id)
                    .where(token_row.c.token_hash == hash_token(token))
                )
            ).one()
            colleague = (
                await conn.execute(
                    select(user.c.id)
                    .where(
                        user.c.account_id == viewer.account_id,
                        user.c.is_active.is_(True),
                        user.c.id != viewer.id,
                    )
                    .order_by(user.c.id)
                    .limit(1)
                )
            ).scalar_one()
            carded = (
                (
                    await conn.execute(
                        select(deal.c.id)
                        .join(summary, summary.c.deal_id == deal.c.id)
                        .where(
                            deal.c.partner_account_id == viewer.account_id,
                            summary.c.shared_at.is_not(None),
                        )
                        .order_by(deal.c.id.desc())
                        .limit(20)
                    )
                )
                .scalars()
                .all()
            )
        return list(carded), [colleague]
    finally:
        await engine.dispose()


def targets_for(database: BenchDatabase) -> Targets:
    """Bodies for the deals home, deal cards and team updates of the first partner user."""
    token = database.token_of("PARTNER")
    deal_ids, (colleague,) = asyncio.run(_ids(database.url, token))
    cards = [body(DEAL_CARD, {"id": gid("Deal", pk)}) for pk in deal_ids]
    updates = []
    for pk in deal_ids[:10]:
        for change in ("add", "remove"):
            payload = {"dealId": gid("Deal", pk), change: [gid("User", colleague)]}
            updates.append(body(DEAL_TEAM_UPDATE, {"input": payload}))
    digest = hashlib.sha256(DEALS_HOME.encode()).hexdigest()
    apq = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    return Targets(
        token,
        body(DEALS_HOME, {"first": 20}),
        cards,
        updates,
        deals_home_hash=orjson.dumps({"variables": {"first": 20}, "extensions": apq}),
        deals_home_register=orjson.dumps(
            {"query": DEALS_HOME, "variables": {"first": 20}, "extensions": apq}
        ),
    )
