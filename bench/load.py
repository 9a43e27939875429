"""Load from a separate process: wrk with a Lua script cycling through POST bodies."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LUA = """
local bodies = {}
local threads = {}
counter = 0
failures = 0
%(bodies)s
function setup(thread)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local body = bodies[(counter %% #bodies) + 1]
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %(token)s",
  }, body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors":', 1, true)
     or string.find(body, '"userErrors":[{', 1, true) then
    failures = failures + 1
  end
end
done = function(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  io.write(string.format("RESULT %%d %%d %%d %%d %%f\\n",
    summary.requests, failed + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one timed run measured."""

    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    peak_rss_mb: list[float]


def _lua(bodies: list[bytes], token: str, path: str) -> str:
    lines = "\n".join(f"bodies[{i + 1}] = {json.dumps(b.decode())}" for i, b in enumerate(bodies))
    return LUA % {"bodies": lines, "token": token, "path": path}


def run_load(
    url: str,
    *,
    path: str,
    bodies: list[bytes],
    token: str,
    seconds: int,
    connections: int,
    rss: callable | None = None,  # type: ignore[valid-type]
) -> LoadResult:
    """Drive `url + path` with wrk for `seconds`, sampling server RSS meanwhile."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(bodies, token, path))
    peak: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            if rss is not None:
                values = rss()
                for i, value in enumerate(values):
                    if i >= len(peak):
                        peak.append(value)
                    peak[i] = max(peak[i], value)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output = subprocess.run(  # noqa: S603
            [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", script.name, url + path],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        stop.set()
        sampler.join()
        Path(script.name).unlink()
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+)", output)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    requests, errors, p50, p99, duration = match.groups()
    return LoadResult(
        requests=int(requests),
        errors=int(errors),
        rps=int(requests) / (float(duration) / 1e6),
        p50_ms=int(p50) / 1000,
        p99_ms=int(p99) / 1000,
        peak_rss_mb=peak,
    )
