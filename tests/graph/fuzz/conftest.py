"""A synchronous client on a real app (for hypothesis), on SQLite, with a small world."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from db.config import Settings
from db.engine import Database
from db.models import AccountKind
from graph.app import create_app
from graph.relay import to_global_id
from tests.factories import Factory


@dataclass
class FuzzTarget:
    """The client, a token, and ids of things the token may and may not see."""

    client: TestClient
    token: str
    own_ids: list[str]
    foreign_ids: list[str]

    def post(self, payload: object) -> object:
        """POST a JSON body as the token's holder."""
        return self.client.post(
            "/graphql", json=payload, headers={"Authorization": f"Bearer {self.token}"}
        )


async def _world(database: Database) -> tuple[str, list[str], list[str]]:
    factory = Factory(database)
    partner = await factory.org()
    other = await factory.org()
    vendor = await factory.org(AccountKind.VENDOR)
    me = await factory.person(partner)
    stranger = await factory.person(other)
    mine = await factory.deal(partner, vendor, team=[me])
    theirs = await factory.deal(other, vendor, team=[stranger])
    own = [to_global_id("Deal", mine.id), me.gid, to_global_id("Account", partner.id)]
    foreign = [to_global_id("Deal", theirs.id), stranger.gid, to_global_id("Account", other.id)]
    return me.token, own, foreign


@pytest.fixture
def fuzz(tmp_path, sqlite_template) -> Iterator[FuzzTarget]:
    """A server on a fresh SQLite database, run by Starlette's TestClient (no rate limit)."""
    import shutil

    path = tmp_path / "fuzz.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    settings = Settings(database_url=url, app_env="development", rate_limit_enabled=False)
    database = Database(url)
    app = create_app(settings, database)
    with TestClient(app, raise_server_exceptions=True) as client:
        assert client.portal is not None
        token, own, foreign = client.portal.call(_world, database)
        yield FuzzTarget(client, token, own, foreign)
