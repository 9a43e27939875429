"""Real processes for integration tests: uvicorn servers and a private redis-server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from graph.websocket.protocol import uvicorn_ws_arguments

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: object, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s")


class Server:
    """`uvicorn graph.app:create_app --factory` (or `app`) on a free port, with its own env."""

    def __init__(
        self,
        database_url: str,
        redis_url: str | None = None,
        log: Path | None = None,
        uvicorn_args: tuple[str, ...] = (),
        app: str = "graph.app:create_app",
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development"}
        env.pop("REDIS_URL", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        self._log = open(log or os.devnull, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", app, "--factory"),
                *("--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"),
                *uvicorn_ws_arguments(),
                *uvicorn_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        _wait_until(self._up, f"server on port {self.port} starting")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"server exited with {self.process.returncode}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def readyz(self) -> dict[str, str]:
        """The server's readiness report."""
        return httpx.get(f"{self.url}/readyz", timeout=5).json()  # type: ignore[no-any-return]

    def terminate(self) -> None:
        """Send SIGTERM, as an orchestrator does before replacing the process."""
        self.process.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        """Stop the server (SIGTERM, then SIGKILL after 20 s); its exit code."""
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


class RedisServer:
    """A private `redis-server` without persistence, which tests may stop and restart."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """Start (again) on the same port."""
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(self._up, f"redis-server on port {self.port} starting")

    def _up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop it; every client connection drops."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
