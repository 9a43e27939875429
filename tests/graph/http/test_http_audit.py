"""graphql-http's auditServer (the GraphQL-over-HTTP spec's own audit) against a real server.

Every audit must pass, the SHOULD and MAY ones included. Needs node (v18+) and
`npm ci --prefix tools/http-audit`; skipped without node unless REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
AUDIT_DIR = ROOT / "tools" / "http-audit"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        if REQUIRE_SERVICES:
            pytest.fail("node is required for the GraphQL-over-HTTP audit")
        pytest.skip("node is not installed")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed")
        subprocess.run([npm, "ci", "--silent"], cwd=AUDIT_DIR, check=True, timeout=300)
    return node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"the server exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("the server did not come up")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_server_passes_every_graphql_over_http_audit(database_url, factory):
    node = _node_or_skip()
    # given a user whose token the audit's fetchFn sends
    person = await factory.person(await factory.org())
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development"}
    # Blocking process calls are fine here: the server under test is another process.
    server = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "uvicorn", "graph.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--timeout-graceful-shutdown", "10"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_until_up(base, server)
        # when
        audit = subprocess.run(  # noqa: ASYNC221
            [node, "audit.mjs"],
            cwd=AUDIT_DIR,
            env={**os.environ, "AUDIT_URL": f"{base}/graphql", "AUDIT_TOKEN": person.token},
            capture_output=True,
            timeout=120,
            check=False,
        )
        results = [json.loads(line) for line in audit.stdout.decode().splitlines() if line]
    finally:
        # and a graceful shutdown: SIGTERM, in-flight requests finish, lifespan closes
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    # then
    failures = [result for result in results if result["status"] != "ok"]
    assert len(results) > 50, audit.stderr.decode()
    assert failures == []
    # uvicorn re-raises the signal once shut down: exit by SIGTERM, after a clean shutdown
    assert server.returncode in (0, -signal.SIGTERM)
    log = server.stderr.read().decode() if server.stderr else ""
    assert "Application shutdown complete" in log
