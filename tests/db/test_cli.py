"""The operator CLI, run in-process with typer's CliRunner against a fresh database."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis import Redis as SyncRedis
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner, Result

from db import cli
from db.config import get_settings
from db.engine import Database
from db.models import Account, AccountSettings, Activity, Deal, Notification, User
from db.tokens import Authenticated, authenticate

COMMANDS = [
    "serve",
    "migrate",
    "seed",
    "account-create",
    "user-create",
    "token-create",
    "token-revoke",
    "token-list",
    "user-deactivate",
]


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Invoke the CLI with DATABASE_URL pointing at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("APP_ENV", "development")
    for name in ("HOST", "PORT", "WORKERS", "LOG_LEVEL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli.app, list(args))

    yield invoke
    get_settings.cache_clear()


def _authenticate(url: str, token: str) -> Authenticated | None:
    async def work() -> Authenticated | None:
        database = Database(url)
        try:
            async with database.session() as session:
                return await authenticate(session=session, token=token)
        finally:
            await database.dispose()

    return asyncio.run(work())


def _count(url: str, model: Any) -> int:
    async def work() -> int:
        database = Database(url)
        try:
            async with database.session() as session:
                return int((await session.exec(select(func.count()).select_from(model))).one())
        finally:
            await database.dispose()

    return asyncio.run(work())


def _newest_activity_id(url: str) -> int:
    async def work() -> int:
        database = Database(url)
        try:
            async with database.session() as session:
                return int((await session.exec(select(func.max(Activity.id)))).one() or 0)
        finally:
            await database.dispose()

    return asyncio.run(work())


def _notified_after(url: str, activity_id: int) -> set[int]:
    """Users notified of activities newer than `activity_id`."""

    async def work() -> set[int]:
        database = Database(url)
        try:
            async with database.session() as session:
                found = await session.exec(
                    select(Notification.user_id).where(Notification.activity_id > activity_id)
                )
                return set(found.all())
        finally:
            await database.dispose()

    return asyncio.run(work())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli.app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_token_lifecycle(run: Any, database_url: str) -> None:
    # given
    assert run("migrate").exit_code == 0
    created = run("account-create", "--name", "Acme Partners", "--kind", "PARTNER")
    assert created.exit_code == 0, created.output
    user = run(
        "user-create", "--account-name", "Acme Partners", "--email", "ada@acme.example",
        "--name", "Ada", "--role", "ADMIN",
    )  # fmt: skip
    assert user.exit_code == 0, user.output

    # when
    made = run("token-create", "--email", "ada@acme.example", "--name", "laptop")
    secret = made.stdout.strip()

    # then
    assert made.exit_code == 0, made.output
    found = _authenticate(database_url, secret)
    assert found is not None
    assert found.user.email == "ada@acme.example"
    assert found.user.role == "ADMIN"
    listed = run("token-list", "--email", "ada@acme.example")
    assert listed.exit_code == 0
    assert "laptop" in listed.output
    assert secret[:10] in listed.output
    assert secret not in listed.output

    revoked = run("token-revoke", "--id", str(found.token_id))
    assert revoked.exit_code == 0, revoked.output
    assert _authenticate(database_url, secret) is None
    assert run("token-revoke", "--id", str(found.token_id)).exit_code == 1


def test_token_revoke_commits_even_when_redis_cannot_be_reached(
    run: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a live token, and a REDIS_URL where nothing listens
    assert run("migrate").exit_code == 0
    assert run("account-create", "--name", "Acme", "--kind", "PARTNER").exit_code == 0
    assert (
        run(
            "user-create", "--account-name", "Acme", "--email", "a@acme.example", "--name", "A"
        ).exit_code
        == 0
    )
    secret = run("token-create", "--email", "a@acme.example").stdout.strip()
    found = _authenticate(database_url, secret)
    assert found is not None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
    get_settings.cache_clear()
    # when
    revoked = run("token-revoke", "--id", str(found.token_id))
    # then: revoked all the same (open sockets then close at the servers' safety poll)
    assert revoked.exit_code == 0, revoked.output
    assert _authenticate(database_url, secret) is None


def test_user_deactivate_stops_their_tokens_and_wakes_their_sockets_through_redis(
    run: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a user with a live token, and a listener on the servers' channel when Redis is there
    assert run("migrate").exit_code == 0
    assert run("account-create", "--name", "Acme", "--kind", "PARTNER").exit_code == 0
    created = run(
        "user-create", "--account-name", "Acme", "--email", "leaver@acme.example", "--name", "L"
    )
    assert created.exit_code == 0
    secret = run("token-create", "--email", "leaver@acme.example").stdout.strip()
    found = _authenticate(database_url, secret)
    assert found is not None
    redis_url = os.environ.get("TEST_REDIS_URL")
    listener = None
    if redis_url:
        monkeypatch.setenv("REDIS_URL", redis_url)
        get_settings.cache_clear()
        listener = SyncRedis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
        listener.subscribe("shared-deals:wake")
        listener.get_message(timeout=1)
    try:
        # when
        result = run("user-deactivate", "--email", "leaver@acme.example")
        # then: the token no longer authenticates, and servers are told to re-check it
        assert result.exit_code == 0, result.output
        assert _authenticate(database_url, secret) is None
        if listener is not None:
            message = listener.get_message(timeout=5)
            assert message is not None
            assert f"token:{found.token_id}" in orjson.loads(message["data"])["channels"]
    finally:
        if listener is not None:
            listener.close()
    # and: a second deactivation, or an unknown e-mail, is refused
    assert run("user-deactivate", "--email", "leaver@acme.example").exit_code == 1
    assert run("user-deactivate", "--email", "nobody@acme.example").exit_code == 1


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_registrations_expire_wakes_every_notified_subscriber_through_redis(
    run: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: demo data, which holds approvals that lapsed, and a listener on the servers' channel
    assert run("seed").exit_code == 0
    redis_url = os.environ["TEST_REDIS_URL"]
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    listener = SyncRedis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe("shared-deals:wake")
    try:
        listener.get_message(timeout=1)  # the subscription's confirmation
        before = _newest_activity_id(database_url)
        # when
        swept = run("registrations-expire")
        # then: one wake-up per expiry names the deal and every notified team member
        assert swept.exit_code == 0, swept.output
        expired = int(swept.output.split()[1])
        assert expired > 0
        wakes = []
        while (message := listener.get_message(timeout=5)) is not None:
            wakes.append(orjson.loads(message["data"]))
    finally:
        listener.close()
    assert len(wakes) == expired
    notified = _notified_after(database_url, before)
    assert notified
    woken = {channel for wake in wakes for channel in wake["channels"]}
    assert {f"user:{user_id}" for user_id in notified} <= woken
    assert any(channel.startswith("deal:") for channel in woken)


def test_account_create_makes_settings_and_refuses_duplicates(run: Any, database_url: str) -> None:
    assert run("migrate").exit_code == 0
    assert run("account-create", "--name", "SpokeHub", "--kind", "vendor").exit_code == 0
    assert run("account-create", "--name", "SpokeHub", "--kind", "vendor").exit_code == 1
    assert _count(database_url, Account) == 1
    assert _count(database_url, AccountSettings) == 1


def test_user_create_needs_exactly_one_account_option(run: Any, database_url: str) -> None:
    assert run("migrate").exit_code == 0
    neither = run("user-create", "--email", "a@x.example", "--name", "A")
    both = run(
        "user-create", "--email", "a@x.example", "--name", "A", "--account-id", "1",
        "--account-name", "X",
    )  # fmt: skip
    missing = run("user-create", "--email", "a@x.example", "--name", "A", "--account-id", "99")
    assert (neither.exit_code, both.exit_code, missing.exit_code) == (1, 1, 1)
    assert _count(database_url, User) == 0


def test_token_create_for_unknown_user_fails(run: Any) -> None:
    assert run("migrate").exit_code == 0
    assert run("token-create", "--email", "nobody@x.example").exit_code == 1


def test_seed_loads_demo_and_generates_deals(run: Any, database_url: str, tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    result = run("seed", "--deals", "30", "--tokens-file", str(tokens_file))
    assert result.exit_code == 0, result.output
    assert _count(database_url, Deal) == 50 + 30
    assert len(json.loads(tokens_file.read_text())) == _count(database_url, User) - 1


def test_seed_is_refused_in_production(
    run: Any, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    get_settings.cache_clear()
    result = run("seed", "--deals", "5", "--tokens-file", str(tmp_path / "t.json"))
    assert result.exit_code == 1
    assert _count(database_url, Account) == 0


def test_serve_loads_demo_prints_tokens_and_starts_uvicorn(
    run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    tokens_file = tmp_path / "tokens.json"

    first = run("serve", "--port", "9999", "--tokens-file", str(tokens_file))
    again = run("serve", "--port", "9999", "--tokens-file", str(tokens_file))

    assert first.exit_code == 0, first.output
    saved = json.loads(tokens_file.read_text())
    for output in (first.output, again.output):
        assert "http://127.0.0.1:9999/graphql" in output
        assert all(entry["token"] in output for entry in saved)
    assert calls[0] == (
        ("graph.app:create_app",),
        {
            "factory": True,
            "host": "127.0.0.1",
            "port": 9999,
            "workers": 1,
            "log_level": "info",
            "ws": "graph.websocket.protocol:LeanWebSocketProtocol",
            "ws_per_message_deflate": False,
        },
    )


def test_serve_in_production_loads_no_demo(
    run: Any, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli.uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setenv("APP_ENV", "production")
    get_settings.cache_clear()
    result = run("serve", "--tokens-file", str(tmp_path / "t.json"))
    assert result.exit_code == 0, result.output
    assert "sdk_" not in result.output
    assert _count(database_url, Account) == 0
