"""Fixtures starting real processes: uvicorn servers and a private redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.models import AccountKind
from tests.conftest import _unavailable
from tests.factories import Factory
from tests.integration.processes import RedisServer, Server


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of the test's own, on a spare port."""
    try:
        redis = RedisServer()
    except (FileNotFoundError, AssertionError) as error:
        _unavailable(f"redis-server: {error}")
    yield redis
    redis.stop()


@pytest.fixture
def start_server(database_url: str, tmp_path: Path) -> Iterator[object]:
    """Start servers on the test database; all are stopped at the end."""
    servers: list[Server] = []

    def start(redis_url: str | None = None) -> Server:
        log = tmp_path / f"server-{len(servers)}.log"
        server = Server(database_url, redis_url, log=log)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class Team:
    """A deal with a partner team: `actor` changes it, `colleague` subscribes."""

    def __init__(self, deal, actor, colleague, newcomers) -> None:
        self.deal = deal
        self.actor = actor
        self.colleague = colleague
        self.newcomers = newcomers


@pytest.fixture
async def team(factory: Factory) -> Team:
    """A shared deal whose partner team has an actor, a colleague and five users to add."""
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    actor = await factory.person(partner, name="Actor")
    colleague = await factory.person(partner, name="Colleague")
    newcomers = [await factory.person(partner, name=f"Newcomer {n}") for n in range(5)]
    deal = await factory.deal(partner, vendor, name="Acme", team=[actor, colleague])
    return Team(deal, actor, colleague, newcomers)
