"""`make bench`: seed, check the baseline's bytes, load real servers, print one table.

python -m bench [--seconds 10] [--connections 8] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field

import httpx

from bench.load import LoadResult, run_load
from bench.seed import BenchDatabase, postgres_database, sqlite_database
from bench.server import serve
from bench.statements import statements_per_request
from bench.targets import Targets, targets_for

OURS = "graph.app:create_app"
BASELINE = "bench.baseline:create_baseline_app"
DEALS = 100_000
SMALL = 1_000
RSS_LIMIT_MB = 150
RATIO_TARGET = 0.6
LATENCY_TARGET = 1.5


@dataclass(slots=True)
class Row:
    """One line of the table."""

    scenario: str
    backend: str
    workers: int
    result: LoadResult
    statements: int | str


@dataclass(slots=True)
class Report:
    """Everything measured, printed at the end."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _check_identical(database: BenchDatabase, targets: Targets) -> None:
    headers = {"Authorization": f"Bearer {targets.token}", "Content-Type": "application/json"}
    with serve(OURS, database_url=database.url) as ours:
        ours_body = httpx.post(
            ours.url + "/graphql", content=targets.deals_home, headers=headers
        ).content
    with serve(BASELINE, database_url=database.url) as base:
        base_body = httpx.post(
            base.url + "/deals-home", content=targets.deals_home, headers=headers
        ).content
    # The API adds `extensions.cost` after `data`; the page itself must match byte for byte.
    if not ours_body.startswith(base_body[:-1] + b',"extensions":'):
        raise SystemExit(
            "the baseline's JSON differs from the GraphQL server's:\n"
            f"ours:     {ours_body[:300]!r}\nbaseline: {base_body[:300]!r}"
        )


def _measure(
    app: str, path: str, bodies: list[bytes], database: BenchDatabase, token: str,
    *, workers: int, seconds: int, connections: int, register: bytes | None = None,
) -> LoadResult:  # fmt: skip
    with serve(app, database_url=database.url, workers=workers) as server:
        if register is not None:  # the APQ round trip that teaches the server the query
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            httpx.post(server.url + path, content=register, headers=headers).raise_for_status()
        run_load(
            server.url, path=path, bodies=bodies, token=token, seconds=2, connections=connections
        )  # fmt: skip  (warm-up)
        return run_load(server.url, path=path, bodies=bodies, token=token, seconds=seconds,
                        connections=connections, rss=server.rss_mb)  # fmt: skip


def _backend(name: str, args: argparse.Namespace, report: Report) -> None:
    big = sqlite_database(DEALS) if name == "sqlite" else postgres_database(DEALS)
    small = sqlite_database(SMALL) if name == "sqlite" else postgres_database(SMALL)
    targets = targets_for(big)
    _check_identical(big, targets)
    report.notes.append(
        f"{name}: baseline JSON is byte-identical to the GraphQL response's `data` "
        "(which is followed by the `extensions.cost` member the API always adds)"
    )
    run = {"seconds": args.seconds, "connections": args.connections}
    count = statements_per_request(big.url, targets.token, targets.deals_home)
    base_count = statements_per_request(big.url, targets.token, targets.deals_home, baseline=True)
    for workers in (1, 2):
        home = _measure(OURS, "/graphql", [targets.deals_home], big, targets.token,
                        workers=workers, **run)  # fmt: skip
        report.rows.append(Row("deals home (GraphQL)", name, workers, home, count))
        base = _measure(BASELINE, "/deals-home", [targets.deals_home], big, targets.token,
                        workers=workers, **run)  # fmt: skip
        report.rows.append(Row("deals home (baseline)", name, workers, base, base_count))
        if workers == 1:
            ratio = home.rps / base.rps
            verdict = "met" if ratio >= RATIO_TARGET else "NOT met"
            report.notes.append(
                f"{name}: deals-home ratio to baseline, 1 process = {ratio:.2f} "
                f"(target >= {RATIO_TARGET}: {verdict})"
            )
    persisted = _measure(OURS, "/graphql", [targets.deals_home_hash], big, targets.token,
                         workers=1, register=targets.deals_home_register, **run)  # fmt: skip
    report.rows.append(Row("deals home (APQ hash)", name, 1, persisted, count))
    card = _measure(OURS, "/graphql", targets.deal_cards, big, targets.token, workers=1, **run)
    card_count = statements_per_request(big.url, targets.token, targets.deal_cards[0])
    report.rows.append(Row("deal card", name, 1, card, card_count))
    if targets.team_updates:
        update = _measure(OURS, "/graphql", targets.team_updates, big, targets.token,
                          workers=1, **run)  # fmt: skip
        update_count = statements_per_request(
            big.url, targets.token, targets.team_updates[0], warm=targets.team_updates[1]
        )
        report.rows.append(Row("dealTeamUpdate", name, 1, update, update_count))
    sizes = {
        first: statements_per_request(big.url, targets.token, targets.deals_home_page(first))
        for first in (5, 20, 100)
    }
    same = len(set(sizes.values())) == 1
    report.notes.append(
        f"{name}: SQL statements per deals-home request by page size "
        + ", ".join(f"first {k}: {v}" for k, v in sizes.items())
        + f" (independent of page size: {'yes' if same else 'NO'})"
    )
    small_targets = targets_for(small)
    latency = {}
    for label, database, body_targets in (
        ("1,000", small, small_targets),
        ("100,000", big, targets),
    ):
        result = _measure(OURS, "/graphql", [body_targets.deals_home], database,
                          body_targets.token, workers=1, seconds=3, connections=1)  # fmt: skip
        latency[label] = result.p50_ms
    growth = latency["100,000"] / latency["1,000"]
    report.notes.append(
        f"{name}: first page p50 alone (1 connection): {latency['1,000']:.1f} ms on 1,000 deals, "
        f"{latency['100,000']:.1f} ms on 100,000 = {growth:.2f}x "
        f"(target <= {LATENCY_TARGET}x: {'met' if growth <= LATENCY_TARGET else 'NOT met'})"
    )


def _print(report: Report, args: argparse.Namespace, started: float) -> None:
    header = (
        f"{'scenario':<22} {'backend':<10} {'procs':>5} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'SQL/req':>7} {'peak RSS MB/proc':>17}"
    )
    print()
    print(f"{DEALS:,} deals, wrk 1 thread, {args.connections} connections, {args.seconds} s runs")
    print(header)
    print("-" * len(header))
    worst_rss = 0.0
    for row in report.rows:
        r = row.result
        rss = "/".join(f"{value:.0f}" for value in r.peak_rss_mb) or "-"
        worst_rss = max([worst_rss, *r.peak_rss_mb])
        print(
            f"{row.scenario:<22} {row.backend:<10} {row.workers:>5} {r.rps:>8.0f} "
            f"{r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.errors:>6} {row.statements!s:>7} {rss:>17}"
        )
    print()
    for note in report.notes:
        print("- " + note)
    verdict = "met" if worst_rss < RSS_LIMIT_MB else "NOT met"
    print(
        f"- peak RSS of any server process: {worst_rss:.0f} MB (target < {RSS_LIMIT_MB}: {verdict})"
    )
    print(f"- total bench time {time.monotonic() - started:.0f} s")


def main() -> None:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    started = time.monotonic()
    report = Report()
    for name in args.backends.split(","):
        _backend(name, args, report)
    _print(report, args, started)


if __name__ == "__main__":
    main()
