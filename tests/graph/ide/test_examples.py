"""The example operations in examples/: valid against the schema, and they run on demo data."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse, validate

from db.config import Settings
from db.demo import load_demo
from db.engine import Database
from db.migrate import upgrade
from graph.app import create_app
from graph.ide.examples import EXAMPLES_DIR, load_examples
from graph.schema import schema

# What a newcomer can try from GraphiQL's tabs (issue: explorer and newcomer experience).
REQUIRED_OPERATIONS = {
    "DealsHome",
    "SharedDealCard",
    "SharedActivityTab",
    "EditDealTeam",
    "ChangeProducts",
    "SetSharedDealPipeline",
    "Notifications",
}


def _operations(query: str) -> list[OperationDefinitionNode]:
    return [d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode)]


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.graphql")), ids=lambda p: p.name)
def test_example_is_valid_against_the_schema(path: Path):
    document = parse(path.read_text(encoding="utf-8"))
    errors = validate(schema._schema, document)
    assert errors == [], [error.message for error in errors]


def test_every_required_example_is_shipped():
    names = {op.name.value for e in load_examples() for op in _operations(e.query) if op.name}
    assert names >= REQUIRED_OPERATIONS


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A SQLite database with the full demo data, and its tokens file."""
    directory = tmp_path_factory.mktemp("demo")
    url = f"sqlite+aiosqlite:///{directory / 'demo.db'}"
    upgrade(url)

    async def load() -> None:
        database = Database(url)
        try:
            await load_demo(
                database=database,
                settings=Settings(database_url=url),
                tokens_path=directory / "tokens.json",
            )
        finally:
            await database.dispose()

    asyncio.run(load())
    return url, directory / "tokens.json"


async def test_every_example_runs_for_the_first_demo_user(demo_database):
    # given GraphiQL's tabs, with the header and variables it prefills
    url, tokens = demo_database
    app = create_app(Settings(database_url=url))
    app.state.graph.demo_tokens_path = tokens
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        page = (await client.get("/graphql", headers={"Accept": "text/html"})).text
        config = json.loads(
            re.search(r'type="application/json">(.*?)</script>', page).group(1)  # type: ignore[union-attr]
        )
        results: dict[str, Any] = {}
        used: dict[str, dict[str, Any]] = {}
        for tab in config["tabs"]:
            (operation,) = _operations(tab["query"])
            if operation.operation.value == "subscription":
                continue  # over WebSocket: see tests/browser
            # when each tab is run as it is
            variables = json.loads(tab["variables"] or "{}")
            response = await client.post(
                "/graphql",
                json={"query": tab["query"], "variables": variables},
                headers=json.loads(tab["headers"]),
            )
            name = operation.name.value  # type: ignore[union-attr]
            results[name] = response.json()
            used[name] = variables
    await app.state.graph.database.dispose()
    # then nothing fails and each shows something
    for name, body in results.items():
        assert "errors" not in body, (name, body)
        for payload in body["data"].values():
            if isinstance(payload, dict) and "userErrors" in payload:
                assert payload["userErrors"] == [], (name, payload)
    assert results["DealsHome"]["data"]["deals"]["totalCount"] > 0
    assert results["SharedDealCard"]["data"]["deal"]["team"]["members"]
    activities = results["SharedActivityTab"]["data"]["deal"]["activities"]["nodes"]
    assert any(activity["callSummary"] for activity in activities)
    team = results["EditDealTeam"]["data"]["dealTeamUpdate"]["team"]["members"]
    assert set(used["EditDealTeam"]["add"]) <= {member["user"]["id"] for member in team}
    deal = results["ChangeProducts"]["data"]["dealProductsUpdate"]["deal"]
    assert {p["id"] for p in deal["productsOfInterest"]} == set(
        used["ChangeProducts"]["productIds"]
    )
    settings = results["SetSharedDealPipeline"]["data"]["settingsUpdate"]["settings"]
    wanted = used["SetSharedDealPipeline"]["sharedDealPipelineId"]
    assert settings["sharedDealPipeline"]["id"] == wanted
