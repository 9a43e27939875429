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

from graph.subscriptions.plan_steps import Plan, run_root
from graph.subscriptions.plans import PlannedExecutor, fresh_loaders, plans


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


class EventRenderer:
    """Runs one subscription's events: from its plan, or by graphql-core when it must."""

    __slots__ = ("plan", "root_args", "scope")

    def __init__(self, plan: Plan | None, root_args: dict[str, Any], scope: EventScope) -> None:
        self.plan = plan
        self.root_args = root_args
        self.scope = scope

    @classmethod
    def for_executor(
        cls,
        executor: PlannedExecutor,
        document: DocumentNode,
        raw_variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> EventRenderer:
        """The renderer of the executor's subscription (the executor is not kept)."""
        plan = plans.plan_for(executor)
        root_args = executor.root_arguments(plan) if plan is not None else None
        scope = EventScope(executor, document, raw_variables, operation_name)
        if root_args is None:  # graphql-core reports the arguments' error on each event
            return cls(None, {}, scope)
        return cls(plan, root_args, scope)

    def render(self, source: Any) -> ExecutionResult | Awaitable[ExecutionResult]:
        """The event's result, or an awaitable of it when a resolver awaits."""
        plan = self.plan
        if plan is None:
            return self._by_graphql_core(source)
        scope = self.scope
        scope.root_value = source
        try:
            data = run_root(plan, self.root_args, source, scope)  # type: ignore[arg-type]
        except Exception:  # an error on this event: graphql-core reports it its way
            return self._by_graphql_core(source)
        if optimized_is_awaitable(data):
            return self._finish(data, source)
        return ExecutionResult(data, None)

    async def _finish(self, data: Awaitable[Any], source: Any) -> ExecutionResult:
        try:
            return ExecutionResult(await data, None)
        except Exception:
            result = self._by_graphql_core(source)
            return await result if optimized_is_awaitable(result) else result  # type: ignore[no-any-return]

    def _by_graphql_core(self, source: Any) -> Any:
        scope = self.scope
        if self.plan is not None:
            fresh_loaders(scope.context_value)
        executor = build_executor(
            scope.schema,
            scope.document,
            scope.context_value,
            scope.raw_variables,
            scope.operation_name,
            hide_suggestions=scope.hide_suggestions,
        )
        if isinstance(executor, list):  # variables were coerced once already; not expected
            return ExecutionResult(None, executor)
        event = StrawberryGraphQLCoreExecutionContext.build_per_event_executor(executor, source)
        return event.execute_operation(False)
