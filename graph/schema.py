"""The schema, assembled from each domain's queries, mutations and subscriptions.

Adding a mutation is one new file in its domain's `mutations/` folder plus one
line in that domain's mutation class list below.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.schema_converter import CustomGraphQLEnumType
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
from graph.subscriptions.plans import PlannedExecutor
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

DOCUMENTS = 1000
"""Parsed and validated documents strawberry keeps for the WebSocket transport."""

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
Subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None


def build_schema() -> strawberry.Schema:
    """The executable schema.

    HTTP requests use `graph.documents`' cache of parsed, validated documents; the
    WebSocket transport runs through strawberry, so these caches give subscriptions
    the same: a thousand clients subscribing with one document share one parse.
    """
    built = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Factories, as strawberry asks: the caches live at module level, keyed by size.
        extensions=[
            lambda: ParserCache(maxsize=DOCUMENTS),
            lambda: ValidationCache(maxsize=DOCUMENTS),
        ],
        # Subscription events run from a compiled plan (graph/subscriptions/plans.py).
        execution_context_class=PlannedExecutor,
    )
    _fast_enum_output(built)
    return built


def _fast_enum_output(built: strawberry.Schema) -> None:
    """Serialize enum values by dictionary lookup.

    Strawberry's enum type finds a value's name by scanning every member, once per
    value in every response: a third of a subscription event's CPU went there for
    `Activity.kind`. The lookup gives the same names.
    """
    for graphql_type in built._schema.type_map.values():
        if isinstance(graphql_type, CustomGraphQLEnumType):
            names = {value.value: name for name, value in graphql_type.values.items()}
            graphql_type.coerce_output_value = partial(  # type: ignore[method-assign]
                _enum_name,
                names,
                graphql_type.wrapped_cls,
                graphql_type.coerce_output_value,
            )


def _enum_name(
    names: dict[object, str], members: type, otherwise: Callable[[object], str], value: object
) -> str:
    if isinstance(value, members):
        return names[value.value]  # type: ignore[attr-defined]
    return otherwise(value)


schema = build_schema()
