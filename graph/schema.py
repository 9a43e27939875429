"""The schema, assembled from each domain's queries, mutations and subscriptions.

Adding a mutation is one new file in its domain's `mutations/` folder plus one
line in that domain's mutation class list below.
"""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from graph.accounts.schema import AccountQuery
from graph.calls.mutations import CallMutation
from graph.deals.mutations import DealMutation
from graph.deals.schema import DealQuery
from graph.node import NodeQuery
from graph.notifications.mutations import NotificationMutation
from graph.pipelines.schema import PipelineQuery
from graph.registrations.mutations import RegistrationMutation
from graph.settings.mutations import SettingsMutation
from graph.subscriptions.schema import Subscription as LiveSubscription
from graph.teams.mutations import TeamMutation
from graph.views.mutations import ViewMutation

QUERIES: tuple[type, ...] = (NodeQuery, AccountQuery, DealQuery, PipelineQuery)
MUTATIONS: tuple[type, ...] = (
    TeamMutation,
    DealMutation,
    SettingsMutation,
    ViewMutation,
    NotificationMutation,
    RegistrationMutation,
    CallMutation,
)
SUBSCRIPTIONS: tuple[type, ...] = (LiveSubscription,)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
Subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None


def build_schema() -> strawberry.Schema:
    """The executable schema."""
    return strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)


schema = build_schema()
