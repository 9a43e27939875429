"""The example operations in `examples/*.graphql`, with variables filled for one demo user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse

from graph.auth import viewer_for
from graph.context import Context
from graph.state import AppState

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"

# What the IDE looks up, as the selected user, to fill the examples' variables.
LOOKUP = """
query IdeLookup {
  viewer {
    user { id }
    account { users(first: 100) { nodes { id isActive } } }
  }
  deals(first: 30) {
    nodes {
      id
      productsOfInterest { id }
      team { members { user { id email } } }
      callSummaries(first: 5) { nodes { isShared } }
    }
  }
  pipelines { id }
  products { id }
  settings { sharedDealPipeline { id } }
}
"""


@dataclass(frozen=True, slots=True)
class Example:
    """One example document: its file name, text and the variables it declares."""

    name: str
    query: str
    variables: tuple[str, ...]


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Example]:
    """The example documents in file-name order (read at each call, so edits show on reload)."""
    examples = []
    for path in sorted(directory.glob("*.graphql")):
        query = path.read_text(encoding="utf-8")
        declared = [
            definition.name.value
            for operation in parse(query).definitions
            if isinstance(operation, OperationDefinitionNode)
            for definition in (d.variable for d in operation.variable_definitions or ())
        ]
        examples.append(Example(name=path.stem, query=query, variables=tuple(declared)))
    return examples


def _ids(items: list[dict[str, Any]] | None) -> list[str]:
    return [item["id"] for item in items or () if item]


def _pick_deal(data: dict[str, Any], watcher: str | None) -> dict[str, Any] | None:
    """A deal of the user's team, best with shared call summaries and `watcher` on its team.

    With the first demo user as `watcher`, a change made from another user's page
    notifies the first user's (default) page: the tour's live notification.
    """
    me = data["viewer"]["user"]["id"]

    def score(deal: dict[str, Any]) -> tuple[bool, bool, bool]:
        members = deal["team"]["members"]
        return (
            me in {member["user"]["id"] for member in members},
            watcher in {member["user"]["email"] for member in members},
            any(summary["isShared"] for summary in deal["callSummaries"]["nodes"]),
        )

    deals: list[dict[str, Any]] = data["deals"]["nodes"]
    return max(deals, key=score) if deals else None


def choose_variables(data: dict[str, Any], watcher: str | None = None) -> dict[str, Any]:
    """Values that make every example run for this user: one of their deals, a colleague to add…"""
    values: dict[str, Any] = {"remove": []}
    deal = _pick_deal(data, watcher)
    if deal is None:
        return values
    values["dealId"] = deal["id"]
    team = {member["user"]["id"] for member in deal["team"]["members"]}
    colleagues = [
        user["id"]
        for user in data["viewer"]["account"]["users"]["nodes"]
        if user["isActive"] and user["id"] not in team
    ]
    values["add"] = colleagues[:1]
    current = _ids(deal["productsOfInterest"])
    extra = [pid for pid in _ids(data["products"]) if pid not in current]
    values["productIds"] = current + extra[:1]
    current_pipeline = (data["settings"]["sharedDealPipeline"] or {}).get("id")
    pipelines = _ids(data["pipelines"])
    others = [pid for pid in pipelines if pid != current_pipeline]
    if others or pipelines:
        values["sharedDealPipelineId"] = (others or pipelines)[0]
    return values


async def variables_for(
    state: AppState, authorization: str, watcher: str | None = None
) -> dict[str, Any]:
    """Variable values for the user behind `authorization`, looked up through the API itself."""
    viewer = await viewer_for(state.database, authorization)
    if viewer is None:
        return {}
    context = Context(
        database=state.database, settings=state.settings, broker=state.broker, viewer=viewer
    )
    result = await state.schema.execute(LOOKUP, context_value=context)
    if result.errors or not result.data:
        return {}
    return choose_variables(result.data, watcher)


def tab_variables(example: Example, values: dict[str, Any]) -> dict[str, Any]:
    """The subset of `values` this example declares."""
    return {name: values[name] for name in example.variables if name in values}
