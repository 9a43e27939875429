"""Start a real server process (uvicorn) on 127.0.0.1 and measure its memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(slots=True)
class Server:
    """A running server: its URL and its processes."""

    url: str
    process: subprocess.Popen[bytes]

    def rss_mb(self) -> list[float]:
        """Resident memory of each serving process (the workers, not the supervisor)."""
        parent = psutil.Process(self.process.pid)
        children = [
            child
            for child in parent.children(recursive=True)
            if "python" in child.name().lower()
            and not any("resource_tracker" in part for part in child.cmdline())
        ]
        processes = children or [parent]
        return [p.memory_info().rss / 2**20 for p in processes]


@contextmanager
def serve(
    app: str, *, database_url: str, workers: int = 1, factory: bool = True
) -> Iterator[Server]:
    """Run `app` (an import string) under uvicorn until the block ends."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log",
        "--loop", "uvloop", "--http", "httptools",
    ]  # fmt: skip
    if factory:
        command.append("--factory")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_ENV": "development",
        "LOG_LEVEL": "WARNING",
        # The cost-based rate limiter runs (its cost is part of every request) but with
        # a bucket so large that the load generator is never throttled.
        "RATE_LIMIT_MAXIMUM": "1e15",
        "RATE_LIMIT_RESTORE_RATE": "1e15",
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, workers)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                if workers > 1:
                    time.sleep(1.5)  # let every worker finish starting
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become ready in 60 s")
