"""A real server on a free port with the demo data, and headless Chromium from Debian.

No browser is downloaded: Playwright drives the system's `chromium`. Without it (or
without the `playwright` package) these tests skip, or fail when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from db.config import Settings
from db.demo import load_demo
from db.engine import Database
from db.migrate import upgrade
from graph.app import create_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"required for the browser tests: {reason}")
    pytest.skip(reason)


@dataclass(frozen=True, slots=True)
class LiveServer:
    """A running server: its base URL and the demo users (first one is GraphiQL's default)."""

    url: str
    demo_users: list[dict[str, str]]

    def user(self, email: str) -> dict[str, str]:
        """The demo user with this email."""
        return next(user for user in self.demo_users if user["email"] == email)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving the app on a fresh, migrated SQLite database with the demo data."""
    directory = tmp_path_factory.mktemp("live")
    url = f"sqlite+aiosqlite:///{directory / 'demo.db'}"
    tokens_path = directory / "demo-tokens.json"
    upgrade(url)
    settings = Settings(database_url=url, app_env="development")

    async def load() -> None:
        database = Database(url)
        try:
            await load_demo(database=database, settings=settings, tokens_path=tokens_path)
        finally:
            await database.dispose()

    asyncio.run(load())
    app = create_app(settings)
    app.state.graph.demo_tokens_path = tokens_path
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    users: list[dict[str, str]] = json.loads(Path(tokens_path).read_text(encoding="utf-8"))
    yield LiveServer(url=f"http://127.0.0.1:{port}", demo_users=users)
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[Any]:
    """Headless Debian Chromium, driven by Playwright (no browser download).

    Playwright's sync API runs an event loop in this thread while it is open, so it
    starts after the server is set up and stops with the module, before async tests run.
    """
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page (no saved GraphiQL tabs), failing on page errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert problems == []
