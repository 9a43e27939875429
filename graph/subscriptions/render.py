"""Turning one subscription's events into results, with no executor kept per subscriber.

A graphql-core executor holds a few kilobytes of per-operation state; a server with
thousands of idle subscriptions should not keep one each. `EventRenderer` keeps only
what resolving an event needs: the compiled plan (shared by every subscriber of the
same document), the root field's arguments and an `EventScope` with the values that
go into each field's resolve info. An event the plan cannot run (an error, a null in a
non-null position, a selection plans do not cover) runs through graphql-core with a
fresh executor, exactly as strawberry would run it, so errors read the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.pyutils import is_async_iterable
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.subscriptions.plan_steps import PlanRun
from graph.subscriptions.plans import PlannedExecutor, plans


async def _gather(values: Sequence[Awaitable[Any]]) -> list[Any]:
    return list(await asyncio.gather(*values))


_tracked: set[asyncio.Future[Any]] = set()


def _track(values: Sequence[Any]) -> None:
    for value in values:
        if optimized_is_awaitable(value):
            future = asyncio.ensure_future(value)
            _tracked.add(future)
            future.add_done_callback(_tracked.discard)


HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=_track)
"""What resolvers' `info.async_helpers` offer in a planned event (no resolver here uses them)."""


def build_executor(
    schema: GraphQLSchema,
    document: DocumentNode,
    context: Any,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    *,
    hide_suggestions: bool,
) -> PlannedExecutor | list[GraphQLError]:
    """The executor strawberry would run the operation with, or its variables' errors."""
    return PlannedExecutor.build(  # type: ignore[return-value]
        schema,
        document,
        None,
        context,
        variables,
        operation_name,
        is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        hide_suggestions=hide_suggestions,
    )


class EventScope:
    """What one subscription's fields see in `info`, as an executor would give it."""

    __slots__ = (
        "context_value",
        "document",
        "fragment_definitions",
        "hide_suggestions",
        "operation",
        "operation_name",
        "raw_variables",
        "root_value",
        "schema",
        "variable_values",
    )
    abort_signal = None
    async_helpers = HELPERS
    operation_extensions = None
    is_awaitable = staticmethod(optimized_is_awaitable)
    is_async_iterable = staticmethod(is_async_iterable)
    build_resolve_info = StrawberryGraphQLCoreExecutionContext.build_resolve_info

    def __init__(
        self,
        executor: PlannedExecutor,
        document: DocumentNode,
        raw_variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        self.schema: GraphQLSchema = executor.schema
        self.fragment_definitions: dict[str, FragmentDefinitionNode] = executor.fragment_definitions
        self.operation: OperationDefinitionNode = executor.operation
        self.variable_values = executor.variable_values
        self.context_value = executor.context_value
        self.hide_suggestions = executor.hide_suggestions
        self.root_value: Any = None
        self.document = document
        self.raw_variables = raw_variables
        self.operation_name = operation_name

    def graphql_core_event(self, payload: Any) -> Any:
        """A fresh executor's per-event copy: what strawberry would run the event with."""
        executor = build_executor(
            self.schema,
            self.document,
            self.context_value,
            self.raw_variables,
            self.operation_name,
            hide_suggestions=self.hide_suggestions,
        )
        if isinstance(executor, list):  # the variables coerced once already: not expected
            return _Refused(executor)
        return StrawberryGraphQLCoreExecutionContext.build_per_event_executor(executor, payload)


class _Refused:
    """An event whose variables no longer coerce: its result is those errors."""

    __slots__ = ("errors",)

    def __init__(self, errors: list[GraphQLError]) -> None:
        self.errors = errors

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return ExecutionResult(None, self.errors)


def renderer_for(
    executor: PlannedExecutor,
    document: DocumentNode,
    raw_variables: dict[str, Any] | None,
    operation_name: str | None,
) -> PlanRun:
    """What runs the executor's subscription events (the executor itself is not kept)."""
    plan = plans.plan_for(executor)
    root_args = executor.root_arguments(plan) if plan is not None else None
    scope = EventScope(executor, document, raw_variables, operation_name)
    # (EventScope's checks are strawberry's and graphql-core's, typed as plain bools)
    if root_args is None:  # graphql-core reports the arguments' error on each event
        return PlanRun(None, {}, scope)  # type: ignore[arg-type]
    return PlanRun(plan, root_args, scope)  # type: ignore[arg-type]
