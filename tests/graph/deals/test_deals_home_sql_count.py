"""The deals home sends the same number of SQL statements whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

DEALS_HOME = """
query DealsHome($first: Int) {
  deals(first: $first) {
    edges {
      cursor
      node {
        id name amount currency closeDate
        stage { id name }
        team { members { addedAt user { id name } account { id name } } }
        productsOfInterest { id name }
        activeDealRegistrations
        callSummaries(first: 1) { nodes { overview } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@contextmanager
def statements(database: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen.append(statement)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_statements_do_not_grow_with_the_page(gql, factory, world, database):
    # given: 100 deals, each with a team from both sides, products, a registration
    # and a shared call summary
    products = [await factory.product(), await factory.product()]
    for n in range(100):
        deal = await factory.deal(
            world.partner,
            world.vendor,
            name=f"Deal {n:03}",
            team=[world.partner_user, world.partner_admin, world.rep],
            products=products,
        )
        await factory.registration(deal, world.partner_user)
        await factory.call_summary(deal, world.rep, shared=True, overview=f"Call {n}")
    await gql(DEALS_HOME, world.partner_user.token, {"first": 1})  # token use is recorded once
    # when
    with statements(database) as small:
        five = await gql(DEALS_HOME, world.partner_user.token, {"first": 5})
    with statements(database) as large:
        hundred = await gql(DEALS_HOME, world.partner_user.token, {"first": 100})
    # then
    assert "errors" not in five
    assert "errors" not in hundred
    assert len(five["data"]["deals"]["edges"]) == 5
    assert len(hundred["data"]["deals"]["edges"]) == 100
    node = hundred["data"]["deals"]["edges"][0]["node"]
    assert len(node["team"]["members"]) == 3
    assert node["callSummaries"]["nodes"][0]["overview"].startswith("Call ")
    assert len(small) == len(large)
