"""Benchmark (not a test): how many idle subscriptions one server holds, what each costs in
memory, and the commit-to-delivery latency of one notification fanned out to many subscribers.

It starts its own redis-server and one uvicorn server process, seeds a deal whose team has
N users, and opens one real WebSocket per user (`notificationReceived`) from separate load
processes. Each round commits one activity on the deal (notifying all N members), publishes
it like a mutation does, and records when every subscriber received it. Run it with
`make bench-subscriptions` (SUBSCRIBERS, ROUNDS, BENCH_POSTGRES_URL to change).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import WebSocketURI, parse_uri

from db.config import normalize_database_url
from db.engine import Database
from db.migrate import upgrade_async
from db.models import (
    Account,
    AccountKind,
    ActivityKind,
    Deal,
    DealPlacement,
    DealTeamMember,
    Pipeline,
    PipelineStage,
    User,
)
from db.ops.activity import lock_deal, record_activity
from db.tokens import create_token
from graph.broker import RedisBroker
from graph.notifications.types import notification_cursor
from graph.publish import publish_recorded
from tests.integration.processes import RedisServer, Server

SUBSCRIPTION = (
    "subscription ($after: String) "
    "{ notificationReceived(after: $after) { cursor activity { kind } } }"
)


# --- load processes: each holds a share of the WebSockets --------------------------------
#
# The load runs on the same two cores as the server, so it must cost far less per
# message than the server does, or the table measures the load generator. Each socket
# is a sans-I/O websockets client on a bare asyncio protocol (uvloop when installed):
# no task, queue or frame assembler per socket, just a parser fed by `data_received`
# and the arrival time of every `next` message.


class _Subscriber(asyncio.Protocol):
    """One `notificationReceived` subscription over a raw WebSocket connection."""

    def __init__(self, uri: WebSocketURI, token: str, failures: list[str]) -> None:
        self.ws = ClientProtocol(uri, subprotocols=[Subprotocol("graphql-transport-ws")])
        self.token = token
        self.failures = failures
        self.subscribed = asyncio.get_running_loop().create_future()
        self.arrivals: list[float] = []
        self.arrived: asyncio.Event | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  (uvloop's is not asyncio's class)
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = time.time()
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    self._fail(f"open: HTTP {event.status_code}")
                    continue
                auth = {"authorization": f"Bearer {self.token}"}
                self._send({"type": "connection_init", "payload": auth})
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self._message(bytes(event.data), now)
        self._flush()

    def _message(self, raw: bytes, now: float) -> None:
        kind = json.loads(raw).get("type")
        if kind == "next":
            self.arrivals.append(now)
            if self.arrived is not None:
                self.arrived.set()
        elif kind == "connection_ack":
            variables = {"after": notification_cursor(0)}
            payload = {"query": SUBSCRIPTION, "variables": variables}
            self._send({"id": "1", "type": "subscribe", "payload": payload})
            # graphql-transport-ws does not confirm a subscribe: a ping answered after it
            # means the server has read it. Nothing can be missed meanwhile: the
            # subscription starts at cursor 0, so it replays whatever came first.
            self._send({"type": "ping"})
        elif kind == "pong":
            if not self.subscribed.done():
                self.subscribed.set_result(None)
        else:
            self._fail(f"message: {raw[:200]!r}")

    def _send(self, message: dict[str, Any]) -> None:
        self.ws.send_text(json.dumps(message).encode())

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.write_eof()

    def _fail(self, reason: str) -> None:
        self.failures.append(reason)
        if not self.subscribed.done():
            self.subscribed.set_exception(RuntimeError(reason))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.subscribed.done():
            self.subscribed.set_exception(RuntimeError(f"closed: {exc}"))
        elif self.ws.close_rcvd is not None or exc is not None:
            self.failures.append(f"closed: {self.ws.close_rcvd or exc}")


async def _hold(url: str, tokens: list[str], pipe: Connection) -> None:
    """Open a subscription per token, report readiness, then time each round's arrivals."""
    loop = asyncio.get_running_loop()
    uri = parse_uri(url)
    failures: list[str] = []
    arrived = asyncio.Event()
    handshakes = asyncio.Semaphore(50)  # do not stampede the accept queue
    subscribers: list[_Subscriber] = []

    async def one(token: str) -> None:
        async with handshakes:
            try:
                _, subscriber = await loop.create_connection(
                    lambda: _Subscriber(uri, token, failures), uri.host, uri.port
                )
                await asyncio.wait_for(subscriber.subscribed, 60)
            except Exception as error:  # a benchmark reports failures, it does not hang
                failures.append(f"open: {type(error).__name__}: {error}")
                return
            subscriber.arrived = arrived
            subscribers.append(subscriber)

    await asyncio.gather(*(one(token) for token in tokens))
    pipe.send(failures[:])
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command == "stop":
            break
        expected = int(command)
        deadline = time.monotonic() + 30
        while any(len(s.arrivals) < expected for s in subscribers) and time.monotonic() < deadline:
            arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), max(0.0, deadline - time.monotonic()))
        pipe.send(
            [s.arrivals[expected - 1] if len(s.arrivals) >= expected else None for s in subscribers]
            + [None] * (len(tokens) - len(subscribers))
        )
    pipe.send(failures[:])
    for subscriber in subscribers:
        if subscriber.transport is not None:
            subscriber.transport.close()


def _load_worker(url: str, tokens: list[str], pipe: Connection) -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover (uvicorn[standard] brings it)
        asyncio.run(_hold(url, tokens, pipe))
    else:
        uvloop.run(_hold(url, tokens, pipe))


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


# --- seeding ----------------------------------------------------------------------------


async def _seed(database: Database, members: int) -> tuple[Deal, User, list[str]]:
    """A deal whose team is one actor plus `members` users, each with a token."""
    async with database.transaction() as session:
        orgs = []
        for kind in (AccountKind.PARTNER, AccountKind.VENDOR):
            account = Account(name=f"Bench {kind.value} {uuid.uuid4().hex[:6]}", kind=kind)
            session.add(account)
            await session.flush()
            pipeline = Pipeline(account_id=account.id, name="Shared deals", position=0)
            session.add(pipeline)
            await session.flush()
            stage = PipelineStage(pipeline_id=pipeline.id, name="Open", position=0)
            session.add(stage)
            await session.flush()
            orgs.append((account, pipeline, stage))
        (partner, _, _), (vendor, _, _) = orgs
        deal = Deal(
            name="Bench deal",
            amount=1000,
            currency="USD",
            close_date=date(2027, 1, 1),
            partner_account_id=partner.id,
            vendor_account_id=vendor.id,
        )
        session.add(deal)
        await session.flush()
        for account, pipeline, stage in orgs:
            session.add(
                DealPlacement(
                    deal_id=deal.id,
                    account_id=account.id,
                    pipeline_id=pipeline.id,
                    stage_id=stage.id,
                )
            )
        users = [
            User(account_id=partner.id, email=f"bench{uuid.uuid4().hex}@example.com", name="B")
            for _ in range(members + 1)
        ]
        session.add_all(users)
        await session.flush()
        tokens = [await create_token(session=session, user_id=user.id) for user in users[1:]]
        session.add_all(
            DealTeamMember(deal_id=deal.id, user_id=user.id, account_id=partner.id)
            for user in users
        )
    return deal, users[0], tokens


async def _commit_and_publish(database: Database, broker: RedisBroker, deal: Deal, actor: User):
    """One activity notified to the whole team; returns the wall-clock time of the commit."""
    assert deal.id is not None
    async with database.transaction() as session:
        locked = await lock_deal(session=session, deal_id=deal.id)
        assert locked is not None
        recorded = await record_activity(
            session=session,
            deal=locked,
            kind=ActivityKind.AMOUNT_CHANGED,
            actor=actor,
            account_id=actor.account_id,
            details={},
        )
    committed = time.time()
    await publish_recorded(broker, [recorded])
    return committed


Fire = Callable[[int], Awaitable[float]]
"""Sends round N's event to every subscriber; returns the wall-clock time it was committed."""


# --- one scenario -----------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def _load(
    server: Server, tokens: list[str], rounds: int, workers: int, fire: Fire
) -> dict[str, Any]:
    """Open one subscription per token against `server`, then time `rounds` fan-outs."""
    size = len(tokens)
    process = psutil.Process(server.process.pid)
    await asyncio.sleep(1)
    before = process.memory_info().rss
    context = multiprocessing.get_context("spawn")
    pipes: list[Connection] = []
    children = []
    share = -(-size // workers)
    for start in range(0, size, share):
        parent, child = context.Pipe()
        worker = context.Process(
            target=_load_worker, args=(server.ws_url, tokens[start : start + share], child)
        )
        worker.start()
        pipes.append(parent)
        children.append(worker)
    open_failures: list[str] = []
    for pipe in pipes:
        open_failures += await asyncio.to_thread(pipe.recv)
    await asyncio.sleep(2)  # let the server settle with every subscription idle
    after = process.memory_info().rss

    latencies: list[float] = []
    missing = 0
    print(f"    {size - len(open_failures)} subscriptions open; timing rounds", flush=True)
    cpu_before = sum(process.cpu_times()[:2])
    for round_number in range(1, rounds + 1):
        fired = await fire(round_number)
        for pipe in pipes:
            pipe.send(str(round_number))
        for pipe in pipes:
            arrivals = await asyncio.to_thread(pipe.recv)
            latencies += [(t - fired) * 1000 for t in arrivals if t is not None]
            missing += sum(1 for t in arrivals if t is None)
        await asyncio.sleep(0.5)
    cpu_seconds = sum(process.cpu_times()[:2]) - cpu_before
    failures: list[str] = []
    for pipe in pipes:
        pipe.send("stop")
        failures += await asyncio.to_thread(pipe.recv)
    for reason in sorted(set(failures))[:5]:
        print(f"    failure: {reason} (x{failures.count(reason)})", flush=True)
    for worker in children:
        worker.join(10)
        if worker.is_alive():
            worker.terminate()
    return {
        "subscribers": size,
        "held": size - len(open_failures),
        "rss_mb": (after - before) / 2**20,
        "kb_per_subscription": (after - before) / size / 1024,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": _percentile(latencies, 0.99) if latencies else float("nan"),
        "max_ms": max(latencies) if latencies else float("nan"),
        "missing": missing,
        "cpu_us": cpu_seconds / max(1, len(latencies)) * 1e6,
    }


async def _scenario(
    database: Database, server: Server, redis: RedisServer, size: int, rounds: int, workers: int
) -> dict[str, Any]:
    """The real server: each round commits an activity that notifies all `size` members."""
    deal, actor, tokens = await _seed(database, size)
    broker = RedisBroker(redis.url)
    await broker.start()
    try:
        return await _load(
            server,
            tokens,
            rounds,
            workers,
            lambda _: _commit_and_publish(database, broker, deal, actor),
        )
    finally:
        await broker.close()


async def _floor(size: int, rounds: int, workers: int, log: Path) -> dict[str, Any]:
    """The same load against `bench.ws_floor`: the stack sending, nothing else."""
    server = Server("", log=log, app="bench.ws_floor:create_app")

    async def fire(round_number: int) -> float:
        fired = time.time()
        async with httpx.AsyncClient(timeout=120) as client:
            response = await client.post(f"{server.url}/fire", params={"round": round_number})
            response.raise_for_status()
        return fired

    try:
        return await _load(server, ["-"] * size, rounds, workers, fire)
    finally:
        server.stop()


async def main() -> None:
    """Run every scenario and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4, help="load processes")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL"),
        help="a PostgreSQL server URL; a fresh database is made there (default: SQLite file)",
    )
    parser.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the floor rows (the same load against bench/ws_floor.py)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-subscriptions-"))
    url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    scratch = None
    if args.postgres:
        scratch = f"bench_{uuid.uuid4().hex[:8]}"
        await _admin(args.postgres, f'CREATE DATABASE "{scratch}"')
        url = make_url(normalize_database_url(args.postgres)).set(database=scratch)
        url = url.render_as_string(hide_password=False)
    await upgrade_async(url)
    database = Database(url)
    redis = RedisServer()
    extra = tuple(os.environ.get("BENCH_UVICORN_ARGS", "").split())
    results = []
    try:
        for size in args.subscribers:
            # A fresh process per size: memory freed by an earlier size would otherwise
            # be reused and make the later one look cheaper than it is.
            print(f"... {size} subscribers", flush=True)
            server = Server(url, redis.url, log=workdir / f"server-{size}.log", uvicorn_args=extra)
            try:
                row = await _scenario(database, server, redis, size, args.rounds, args.workers)
            finally:
                server.stop()
            results.append(("this server", row))
            if args.floor:
                print(f"... {size} subscribers, floor (bench/ws_floor.py)", flush=True)
                log = workdir / f"floor-{size}.log"
                results.append(("floor", await _floor(size, args.rounds, args.workers, log)))
    finally:
        redis.stop()
        await database.dispose()
        if scratch:
            await _admin(args.postgres, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    backend = "PostgreSQL" if "postgres" in url else "SQLite"
    print(f"\nSubscriptions benchmark: one server process, {backend}, Redis broker, ", end="")
    print(f"{args.rounds} notifications per size, {args.workers} load processes")
    header = (
        *("server", "subscribers", "held", "RSS delta MB", "KB/sub"),
        *("p50 ms", "p99 ms", "max ms", "lost", "CPU µs/msg"),
    )
    print(" | ".join(f"{h:>12}" for h in header))
    for name, row in results:
        cells = (
            name,
            row["subscribers"],
            row["held"],
            f"{row['rss_mb']:.1f}",
            f"{row['kb_per_subscription']:.1f}",
            f"{row['p50_ms']:.0f}",
            f"{row['p99_ms']:.0f}",
            f"{row['max_ms']:.0f}",
            row["missing"],
            f"{row['cpu_us']:.0f}",
        )
        print(" | ".join(f"{c:>12}" for c in cells))
    print("Goal: 5,000 subscribers in one process under 30 KB each, p99 under 250 ms.")
    if args.floor:
        print(
            "floor: bench/ws_floor.py, uvicorn and Starlette sending the same messages with no"
            " GraphQL, auth, database or broker; no server on this stack does better here."
        )


if __name__ == "__main__":
    asyncio.run(main())
