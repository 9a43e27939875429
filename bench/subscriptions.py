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
from contextlib import suppress
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

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


async def _hold(url: str, tokens: list[str], pipe: Connection) -> None:
    """Open a subscription per token, report readiness, then time each round's arrivals."""
    received: list[list[float]] = [[] for _ in tokens]
    failures: list[str] = []
    arrived = asyncio.Event()
    handshakes = asyncio.Semaphore(50)  # do not stampede the accept queue

    async def one(index: int, token: str, ready: asyncio.Event) -> None:
        try:
            async with handshakes:
                ws = await connect(
                    url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=60
                )
                auth = {"authorization": f"Bearer {token}"}
                await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
                ack = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if ack.get("type") != "connection_ack":
                    raise RuntimeError(f"no connection_ack: {ack}")
                variables = {"after": notification_cursor(0)}
                payload = {"query": SUBSCRIPTION, "variables": variables}
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        except Exception as error:  # a benchmark reports failures, it does not hang on them
            failures.append(f"open: {type(error).__name__}: {error}")
            return
        finally:
            ready.set()
        try:
            async for raw in ws:
                if json.loads(raw).get("type") != "next":
                    failures.append(f"message: {raw[:200]!r}")
                    continue
                received[index].append(time.time())
                arrived.set()
        except Exception as error:
            failures.append(f"closed: {type(error).__name__}: {error}")

    readies = [asyncio.Event() for _ in tokens]
    tasks = [
        asyncio.create_task(one(index, token, readies[index])) for index, token in enumerate(tokens)
    ]
    await asyncio.gather(*(ready.wait() for ready in readies))
    pipe.send(failures[:])
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command == "stop":
            break
        expected = int(command)
        deadline = time.monotonic() + 30
        while any(len(times) < expected for times in received) and time.monotonic() < deadline:
            arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), max(0.0, deadline - time.monotonic()))
        pipe.send([times[expected - 1] if len(times) >= expected else None for times in received])
    pipe.send(failures[:])
    for task in tasks:
        task.cancel()


def _load_worker(url: str, tokens: list[str], pipe: Connection) -> None:
    asyncio.run(_hold(url, tokens, pipe))


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


# --- one scenario -----------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def _scenario(
    database: Database, server: Server, redis: RedisServer, size: int, rounds: int, workers: int
) -> dict[str, Any]:
    deal, actor, tokens = await _seed(database, size)
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

    broker = RedisBroker(redis.url)
    await broker.start()
    latencies: list[float] = []
    missing = 0
    print(f"    {size - len(open_failures)} subscriptions open; timing rounds", flush=True)
    cpu_before = sum(process.cpu_times()[:2])
    for round_number in range(1, rounds + 1):
        committed = await _commit_and_publish(database, broker, deal, actor)
        for pipe in pipes:
            pipe.send(str(round_number))
        for pipe in pipes:
            arrivals = await asyncio.to_thread(pipe.recv)
            latencies += [(t - committed) * 1000 for t in arrivals if t is not None]
            missing += sum(1 for t in arrivals if t is None)
        await asyncio.sleep(0.5)
    cpu_seconds = sum(process.cpu_times()[:2]) - cpu_before
    await broker.close()
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
    server = Server(url, redis.url, log=workdir / "server.log", uvicorn_args=extra)
    results = []
    try:
        for size in args.subscribers:
            print(f"... {size} subscribers", flush=True)
            results.append(
                await _scenario(database, server, redis, size, args.rounds, args.workers)
            )
    finally:
        server.stop()
        redis.stop()
        await database.dispose()
        if scratch:
            await _admin(args.postgres, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    backend = "PostgreSQL" if "postgres" in url else "SQLite"
    print(f"\nSubscriptions benchmark: one server process, {backend}, Redis broker, ", end="")
    print(f"{args.rounds} notifications per size, {args.workers} load processes")
    header = (
        *("subscribers", "held", "RSS delta MB", "KB/sub"),
        *("p50 ms", "p99 ms", "max ms", "lost", "CPU µs/msg"),
    )
    print(" | ".join(f"{h:>12}" for h in header))
    for row in results:
        cells = (
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


if __name__ == "__main__":
    asyncio.run(main())
