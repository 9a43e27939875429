"""Demo data that shows every feature, and the API tokens of its people (never in production)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.config import DATA_DIR, Settings
from db.demo_deals import create_demo_deals
from db.demo_world import DemoWorld, create_world, has_accounts
from db.engine import Database
from db.models import ApiToken
from db.tokens import create_token, hash_token

DEMO_TOKENS_PATH = DATA_DIR / "demo-tokens.json"
DEMO_SEED = 20240601


class DemoRefusedError(RuntimeError):
    """Demo data (and its tokens) must never be loaded into a production database."""


async def _create_tokens(*, session: AsyncSession, world: DemoWorld) -> list[dict[str, str]]:
    tokens: list[dict[str, str]] = []
    for demo in [world.vendor, *world.partners]:
        for user in demo.active_users:
            assert user.id is not None
            secret = await create_token(session=session, user_id=user.id, name="demo")
            tokens.append(
                {
                    "email": user.email,
                    "name": user.name,
                    "account": demo.account.name,
                    "accountKind": demo.account.kind,
                    "role": user.role,
                    "token": secret,
                }
            )
    return tokens


async def load_demo(
    *,
    database: Database,
    settings: Settings,
    tokens_path: Path | None = None,
    seed: int = DEMO_SEED,
) -> list[dict[str, str]]:
    """Load the demo data into an empty database and return (and save) its users' tokens.

    Returns an empty list, touching nothing, when the database already has accounts.
    """
    if settings.production:
        raise DemoRefusedError("demo data and demo tokens are never loaded in production")
    async with database.transaction() as session:
        if await has_accounts(session=session):
            return []
        world = await create_world(session=session)
        await create_demo_deals(
            session=session,
            world=world,
            rng=random.Random(seed),
            expiry_days=settings.registration_expiry_days,
        )
        tokens = await _create_tokens(session=session, world=world)
    write_tokens_file(tokens, tokens_path or DEMO_TOKENS_PATH)
    return tokens


def write_tokens_file(tokens: list[dict[str, str]], path: Path) -> None:
    """Save demo tokens as JSON, readable only by the owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokens, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


async def live_demo_tokens(
    *, database: Database, tokens_path: Path | None = None
) -> list[dict[str, str]]:
    """The saved demo tokens that are still live in this database (for printing at start-up)."""
    path = tokens_path or DEMO_TOKENS_PATH
    try:
        saved: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    digests = {hash_token(entry.get("token", "")): entry for entry in saved}
    async with database.session() as session:
        live = await session.exec(
            select(ApiToken.token_hash).where(
                col(ApiToken.token_hash).in_(list(digests)), col(ApiToken.revoked_at).is_(None)
            )
        )
        found = set(live.all())
    return [entry for digest, entry in digests.items() if digest in found]
