"""A compiled subscription plan's parts, and how an event runs through them.

A `Plan` is a tree of `Step`s, one per field of the selection, each with its resolver,
its arguments and a completion function for its type (built by `graph.subscriptions
.plans`). Running an event calls the resolvers and completes their values with
graphql-core's own coercion; anything unexpected raises `Abandon`, and graphql-core
runs the event instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    Undefined,
)
from graphql.pyutils import Path, is_iterable
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.cast import get_strawberry_type_cast


class Abandon(Exception):  # noqa: N818  (control flow, not a failure)
    """This event leaves the plan; graphql-core runs it instead."""


class Resolving(Protocol):
    """What running a plan needs of its executor (`PlannedExecutor`, or an `EventScope`)."""

    root_value: Any
    context_value: Any

    def graphql_core_event(self, payload: Any) -> Any:
        """graphql-core's own per-event executor for `payload` (when the plan cannot run)."""

    def build_resolve_info(
        self,
        field_def: GraphQLField,
        field_nodes: list[FieldNode],
        parent_type: GraphQLObjectType,
        path: Path,
    ) -> Any:
        """The `info` a resolver of this field receives."""

    def is_awaitable(self, value: Any) -> TypeGuard[Awaitable[Any]]:
        """Whether a resolver's result must be awaited."""

    def is_async_iterable(self, value: Any) -> TypeGuard[AsyncIterable[Any]]:
        """Whether a value is an async iterable (never completed as a list here)."""


Complete = Callable[[Any, Path, "Resolving"], Any]
"""Completes a resolved value of one type at one position, as graphql-core would."""


@dataclass(slots=True, frozen=True)
class Step:
    """One field of a selection set: how to resolve it and complete its value."""

    response_name: str
    field_def: GraphQLField
    field_nodes: list[FieldNode]
    parent_type: GraphQLObjectType
    resolve: Callable[..., Any]
    args: dict[str, Any]
    basic: bool  # a strawberry field without resolver: reads an attribute, needs no info
    complete: Complete


@dataclass(slots=True, frozen=True)
class Plan:
    """A subscription's selection, compiled; the root field's arguments come per subscriber."""

    root: Step


# --- running -----------------------------------------------------------------------------


def run_root(plan: Plan, root_args: dict[str, Any], payload: Any, executor: Resolving) -> Any:
    """The event's `data`, or an awaitable of it; raises when the plan must be abandoned."""
    step = plan.root
    path = Path(None, step.response_name, step.parent_type.name)
    if step.basic:  # strawberry's subscription fields resolve each event to itself
        result = payload
    else:
        info = executor.build_resolve_info(step.field_def, step.field_nodes, step.parent_type, path)
        result = step.resolve(payload, info, **root_args)
    value = _resolved(step, result, path, executor)
    if executor.is_awaitable(value):
        return _wrap_root(step.response_name, value)
    return {step.response_name: value}


async def _wrap_root(name: str, value: Awaitable[Any]) -> dict[str, Any]:
    return {name: await value}


def _run_fields(steps: tuple[Step, ...], source: Any, path: Path, executor: Resolving) -> Any:
    data: dict[str, Any] = {}
    later: list[tuple[str, Awaitable[Any]]] = []
    try:
        for step in steps:
            field_path = Path(path, step.response_name, step.parent_type.name)
            if step.basic:
                result = step.resolve(source, None)
            else:
                info = executor.build_resolve_info(
                    step.field_def, step.field_nodes, step.parent_type, field_path
                )
                result = step.resolve(source, info, **step.args)
            value = _resolved(step, result, field_path, executor)
            if executor.is_awaitable(value):
                later.append((step.response_name, value))
                value = None  # keeps the key in selection order
            data[step.response_name] = value
    except BaseException:
        _close(value for _, value in later)
        raise
    if not later:
        return data
    return _await_fields(data, later)


async def _await_fields(data: dict[str, Any], later: list[tuple[str, Awaitable[Any]]]) -> Any:
    # One after the other, not gathered: a task per field per subscriber would cost more
    # than the extra round trip, and loaders batch across subscribers anyway.
    for index, (name, value) in enumerate(later):
        try:
            data[name] = await value
        except BaseException:
            _close(rest for _, rest in later[index + 1 :])
            raise
    return data


def _close(awaitables: Iterable[Any]) -> None:
    """Drop awaitables an abandoned event will not await (no never-awaited warnings)."""
    for awaitable in awaitables:
        close = getattr(awaitable, "close", None)
        if close is not None:
            close()


def _resolved(step: Step, result: Any, path: Path, executor: Resolving) -> Any:
    if executor.is_awaitable(result):
        return _Later(step, result, path, executor)
    return step.complete(result, path, executor)


class _Later:
    """A field whose resolver returned an awaitable: awaited, then completed."""

    __slots__ = ("executor", "path", "result", "step")

    def __init__(self, step: Step, result: Any, path: Path, executor: Resolving) -> None:
        self.step = step
        self.result = result
        self.path = path
        self.executor = executor

    def __await__(self) -> Any:
        return self._run().__await__()

    async def _run(self) -> Any:
        value = self.step.complete(await self.result, self.path, self.executor)
        if self.executor.is_awaitable(value):
            value = await value
        return value

    def close(self) -> None:
        """Close the resolver's awaitable, which will not be awaited."""
        _close((self.result,))


def non_null(inner: Complete) -> Complete:
    def complete(value: Any, path: Path, executor: Resolving) -> Any:
        completed = inner(value, path, executor)
        if executor.is_awaitable(completed):
            return _non_null_later(completed)
        if completed is None:
            raise Abandon("null in a non-null position")
        return completed

    return complete


async def _non_null_later(completed: Awaitable[Any]) -> Any:
    value = await completed
    if value is None:
        raise Abandon("null in a non-null position")
    return value


def list_of(item: Complete) -> Complete:
    def complete(value: Any, path: Path, executor: Resolving) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception) or executor.is_async_iterable(value):
            raise Abandon("error or async iterable in a list position")
        if not is_iterable(value):
            raise Abandon("not a list")
        items: list[Any] = []
        try:
            for index, element in enumerate(value):
                items.append(item(element, Path(path, index, None), executor))
        except BaseException:
            _close(element for element in items if executor.is_awaitable(element))
            raise
        if any(executor.is_awaitable(element) for element in items):
            return _await_items(items, executor)
        return items

    return complete


async def _await_items(items: list[Any], executor: Resolving) -> list[Any]:
    done: list[Any] = []
    for index, element in enumerate(items):
        try:
            done.append(await element if executor.is_awaitable(element) else element)
        except BaseException:
            _close(rest for rest in items[index + 1 :] if executor.is_awaitable(rest))
            raise
    return done


def leaf(leaf_type: GraphQLLeafType) -> Complete:
    coerce = leaf_type.coerce_output_value  # the instance's, as graphql-core calls it

    def complete(value: Any, path: Path, executor: Resolving) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise Abandon("resolver returned an error")
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Abandon("leaf did not coerce")
        return coerced

    return complete


def object_of(
    object_type: GraphQLObjectType,
    steps: tuple[Step, ...],
    field_def: GraphQLField,
    nodes: list[FieldNode],
    parent_type: GraphQLObjectType,
) -> Complete:
    is_type_of = object_type.is_type_of
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    # Only attribute reads and leaf values below: the completed value depends on the
    # object alone. Subscribers woken by one change complete the same shared object
    # (their notification's activity, say) one after another, so the last one is kept.
    shareable = all(step.basic and is_pure(step.complete) for step in steps)
    last: list[Any] = [None, None]  # the last object completed, and its completed value

    def complete(value: Any, path: Path, executor: Resolving) -> Any:
        if value is None or value is Undefined:
            return None
        if shareable and value is last[0]:
            return last[1]
        if isinstance(value, Exception):
            raise Abandon("resolver returned an error")
        # strawberry's is_type_of accepts an instance of the type's own class (and no
        # cast): that case needs neither a resolve info nor the call.
        if is_type_of is not None and not (
            type(value) is origin and get_strawberry_type_cast(value) is None
        ):
            info = executor.build_resolve_info(field_def, nodes, parent_type, path)
            matches = is_type_of(value, info)
            if matches is not True:
                if executor.is_awaitable(matches):
                    matches.close()  # type: ignore[attr-defined]
                raise Abandon("is_type_of refused the value")
        data = _run_fields(steps, value, path, executor)
        if shareable:
            last[0], last[1] = value, data
        return data

    return pure(complete) if shareable else complete


def pure(complete: Complete) -> Complete:
    """Mark a completion as depending on its value alone (no resolver, no info)."""
    complete._pure = True  # type: ignore[attr-defined]
    return complete


def is_pure(complete: Complete) -> bool:
    """Whether a completion was marked `pure`."""
    return bool(getattr(complete, "_pure", False))


class PlanRun:
    """Runs one subscription's events from its plan, or by graphql-core when it must.

    A plan covers the error-free path only: an event whose resolver raises, or that
    meets anything else the plan does not expect, runs through graphql-core instead,
    on fresh loaders, so it reports exactly what graphql-core alone would.
    """

    __slots__ = ("plan", "root_args", "scope")

    def __init__(self, plan: Plan | None, root_args: dict[str, Any], scope: Resolving) -> None:
        self.plan = plan
        self.root_args = root_args
        self.scope = scope

    def run(self, payload: Any) -> ExecutionResult | Awaitable[ExecutionResult]:
        """The event's result, or an awaitable of it when a resolver awaits."""
        plan, scope = self.plan, self.scope
        if plan is None:
            return self._by_graphql_core(payload, abandoned=False)
        scope.root_value = payload  # what the resolvers' info carries as root
        try:
            data = run_root(plan, self.root_args, payload, scope)
        except Exception:  # an error on this event: graphql-core reports it its way
            return self._by_graphql_core(payload)
        if scope.is_awaitable(data):
            return self._finish(data, payload)
        return ExecutionResult(data, None)

    async def _finish(self, data: Awaitable[Any], payload: Any) -> ExecutionResult:
        try:
            return ExecutionResult(await data, None)
        except Exception:
            result = self._by_graphql_core(payload)
            return await result if self.scope.is_awaitable(result) else result  # type: ignore[no-any-return]

    def _by_graphql_core(self, payload: Any, *, abandoned: bool = True) -> Any:
        if abandoned:
            fresh_loaders(self.scope.context_value)
        return self.scope.graphql_core_event(payload).execute_operation(False)


def fresh_loaders(context: Any) -> None:
    """Forget what an abandoned plan run loaded, so graphql-core runs the event as if the
    plan had never started: the same loads in the same order, so the same errors (when
    two fields fail, which one graphql-core reports depends on the order they fail in)."""
    reset = getattr(context, "reset_loaders", None)
    if reset is not None:
        reset()
