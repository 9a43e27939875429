"""The schema, assembled from each domain's queries, mutations and subscriptions."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from graph.accounts.schema import AccountQuery
from graph.deals.schema import DealQuery
from graph.node import NodeQuery
from graph.pipelines.schema import PipelineQuery

Query = merge_types("Query", (NodeQuery, AccountQuery, DealQuery, PipelineQuery))


def build_schema() -> strawberry.Schema:
    """The executable schema."""
    return strawberry.Schema(query=Query)


schema = build_schema()
