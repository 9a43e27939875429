"""Subscription events run from a plan: the selection is worked out once, not per event.

graphql-core executes every subscription event like a new query: it collects the
fields of each selection set, builds a resolve info and path for every field and
completes each value through its generic machinery. That is about 100 µs for a
handful of fields on this machine, paid per subscriber per change: half a second of
one core when a change reaches 5,000 subscribers. Nearly all of it depends only on
the document and its variables, never on the event.

`PlannedExecutor` is the executor strawberry runs operations with
(`execution_context_class`); queries and mutations run exactly as before. A
subscription compiles its selection into a plan (once per document, operation and the
variable values the selection depends on, shared by every subscriber): each field's
definition, resolver, arguments and a completion function for its type. An event then
calls the same resolvers with the same arguments and completes values with
graphql-core's own coercion, so it produces the same data.

A plan covers the error-free path only. A resolver that raises, a null in a non-null
position or any other surprise abandons the plan for that event, and graphql-core runs
the event instead, producing the errors exactly as it always has (resolvers only read,
so running them again is harmless). Selections a plan does not cover (abstract types,
`@defer`/`@stream`, middleware) always run through graphql-core.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard

import orjson
from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    VariableNode,
    Visitor,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetails, collect_fields, collect_subfields
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, is_iterable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.cast import get_strawberry_type_cast
from strawberry.types.field import StrawberryField

PLANS = 1000
"""Plans kept per process (distinct documents × the variable values they depend on)."""


class Abandon(Exception):  # noqa: N818  (control flow, not a failure)
    """This event leaves the plan; graphql-core runs it instead."""


class Unplannable(Exception):  # noqa: N818
    """The selection uses something plans do not cover."""


class Resolving(Protocol):
    """What running a plan needs of its executor (`PlannedExecutor`, or an `EventScope`)."""

    root_value: Any

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


# --- compiling ---------------------------------------------------------------------------


def _compile_steps(
    executor: PlannedExecutor,
    parent_type: GraphQLObjectType,
    grouped: dict[str, list[FieldDetails]],
) -> tuple[Step, ...]:
    return tuple(
        _compile_step(executor, parent_type, name, group) for name, group in grouped.items()
    )


def _compile_step(
    executor: PlannedExecutor,
    parent_type: GraphQLObjectType,
    response_name: str,
    group: list[FieldDetails],
    *,
    root: bool = False,
) -> Step:
    if any(item.defer_usage is not None or item.fragment_variable_values for item in group):
        raise Unplannable("@defer or fragment variables")
    node = group[0].node
    field_def = executor.schema.get_field(parent_type, node.name.value)
    if field_def is None:
        raise Unplannable(f"no field {parent_type.name}.{node.name.value}")
    args: dict[str, Any] = {}
    if not root and (field_def.args or node.arguments):
        args = get_argument_values(
            field_def, node, executor.variable_values, None, executor.hide_suggestions
        )
    resolve = field_def.resolve or executor.field_resolver
    if executor.middleware_manager is not None:
        if executor.middleware_manager.middlewares:
            raise Unplannable("middleware")
        resolve = executor.middleware_manager.get_field_resolver(resolve)
    nodes = [item.node for item in group]
    if root:
        # A strawberry subscription field resolves an event to the event itself.
        basic = field_def.subscribe is not None and _is_strawberry_event_resolver(resolve)
    else:
        basic = bool(getattr(resolve, "_is_default", False)) and not args
        resolve = _direct(executor.schema, field_def) or resolve
    complete = _compile_complete(executor, field_def.type, group, field_def, nodes, parent_type)
    return Step(response_name, field_def, nodes, parent_type, resolve, args, basic, complete)


def _is_strawberry_event_resolver(resolve: Any) -> bool:
    """Whether `resolve` is strawberry's `lambda event, *_, **__: event` for subscriptions."""
    code = getattr(resolve, "__code__", None)
    return (
        code is not None
        and getattr(resolve, "__name__", "") == "<lambda>"
        and getattr(resolve, "__module__", "") == "strawberry.schema.schema_converter"
        and code.co_argcount == 1
        and code.co_code == (lambda event, *_, **__: event).__code__.co_code
    )


def _direct(schema: GraphQLSchema, field_def: GraphQLField) -> Callable[..., Any] | None:
    """The field's own resolver function, called as strawberry would call it, without
    strawberry's per-call wrapping (argument conversion, extension chain, closures).

    Only for a field whose resolver takes nothing but `self` and `info`, with no field
    extensions (permission classes are extensions) and no exception handlers in the
    schema: then strawberry's wrapper calls `resolver(source, info=Info(...))` and
    returns its result unchanged, which is what this does.
    """
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    if not isinstance(field, StrawberryField) or strawberry_schema is None:
        return None
    if strawberry_schema.exception_handlers:
        return None
    resolver = field.base_resolver
    if (
        resolver is None
        or field.extensions
        or field.arguments
        or field.is_subscription
        or resolver.parent_parameter is not None
        or resolver.root_parameter is not None
        or resolver.self_parameter is None
        or not callable(resolver.wrapped_func)
    ):
        return None
    function = resolver.wrapped_func
    info_class = strawberry_schema.config.info_class
    info_parameter = resolver.info_parameter
    if info_parameter is None:
        return lambda source, _info: function(source)
    name = info_parameter.name

    def call(source: Any, info: Any) -> Any:
        return function(source, **{name: info_class(_raw_info=info, _field=field)})

    return call


def _compile_complete(
    executor: PlannedExecutor,
    return_type: GraphQLOutputType,
    group: list[FieldDetails],
    field_def: GraphQLField,
    nodes: list[FieldNode],
    parent_type: GraphQLObjectType,
) -> Complete:
    if is_non_null_type(return_type):
        inner = _compile_complete(
            executor, return_type.of_type, group, field_def, nodes, parent_type
        )
        return _pure(_non_null(inner)) if _is_pure(inner) else _non_null(inner)
    if is_list_type(return_type):
        item = _compile_complete(
            executor, return_type.of_type, group, field_def, nodes, parent_type
        )
        return _pure(_list_of(item)) if _is_pure(item) else _list_of(item)
    if is_leaf_type(return_type):
        return _pure(_leaf(return_type))
    if is_object_type(return_type):
        sub = collect_subfields(
            executor.schema,
            executor.fragments,
            executor.variable_values,
            executor.operation,
            return_type,
            group,
            executor.hide_suggestions,
        )
        if sub.new_defer_usages:
            raise Unplannable("@defer")
        steps = _compile_steps(executor, return_type, sub.grouped_field_set)
        return _object(return_type, steps, field_def, nodes, parent_type)
    raise Unplannable(f"abstract type {return_type}")


def _non_null(inner: Complete) -> Complete:
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


def _list_of(item: Complete) -> Complete:
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


def _leaf(leaf_type: GraphQLLeafType) -> Complete:
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


def _object(
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
    pure = all(step.basic and _is_pure(step.complete) for step in steps)
    last: list[Any] = [None, None]  # the last object completed, and its completed value

    def complete(value: Any, path: Path, executor: Resolving) -> Any:
        if value is None or value is Undefined:
            return None
        if pure and value is last[0]:
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
        if pure:
            last[0], last[1] = value, data
        return data

    return _pure(complete) if pure else complete


def _pure(complete: Complete) -> Complete:
    """Mark a completion as depending on its value alone (no resolver, no info)."""
    complete._pure = True  # type: ignore[attr-defined]
    return complete


def _is_pure(complete: Complete) -> bool:
    return bool(getattr(complete, "_pure", False))


def root_field(executor: PlannedExecutor) -> tuple[GraphQLObjectType, str, list[FieldDetails]]:
    """The subscription's single root field: its type, response name and field nodes."""
    root_type = executor.schema.subscription_type
    if root_type is None:
        raise Unplannable("no subscription type")
    collected = collect_fields(
        executor.schema,
        executor.fragments,
        executor.variable_values,
        root_type,
        executor.operation,
        executor.hide_suggestions,
    )
    if collected.new_defer_usages or len(collected.grouped_field_set) != 1:
        raise Unplannable("not a single root field")
    ((name, group),) = collected.grouped_field_set.items()
    return root_type, name, group


def compile_plan(executor: PlannedExecutor) -> Plan:
    """The plan for the executor's subscription operation; raises Unplannable."""
    root_type, name, group = root_field(executor)
    return Plan(root=_compile_step(executor, root_type, name, group, root=True))


# --- caching -------------------------------------------------------------------------------


class _VariableNames(Visitor):
    """Collects the name of every variable used in the nodes it visits."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


class PlanCache:
    """Plans by document, operation and the variables the selection depends on.

    The root field's own arguments (such as `after:`) differ per subscriber but never
    change the selection, so they are left out of the key and given to each run.
    """

    def __init__(self, maxsize: int = PLANS) -> None:
        self.maxsize = maxsize
        self._plans: OrderedDict[tuple[int, bytes], tuple[OperationDefinitionNode, Plan | None]] = (
            OrderedDict()
        )
        self._depends: dict[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = {}

    def plan_for(self, executor: PlannedExecutor) -> Plan | None:
        """The executor's plan (compiled on first use), or None when unplannable.

        Strawberry's parser cache hands every subscriber of one query text the same
        document, so the operation node's identity stands for the document.
        """
        operation = executor.operation
        op_key = id(operation)
        depends = self._depends.get(op_key)
        if depends is None or depends[0] is not operation:
            depends = (operation, self._selection_variables(executor))
            if len(self._depends) >= self.maxsize:
                self._depends.clear()
            self._depends[op_key] = depends
        coerced = executor.variable_values.coerced
        values = orjson.dumps(
            {name: coerced.get(name) for name in depends[1]},
            default=repr,
            option=orjson.OPT_SORT_KEYS,
        )
        key = (op_key, values)
        cached = self._plans.get(key)
        if cached is not None and cached[0] is operation:
            self._plans.move_to_end(key)
            return cached[1]
        try:
            plan: Plan | None = compile_plan(executor)
        except Exception:  # Unplannable, or anything odd: graphql-core runs it as ever
            plan = None
        self._plans[key] = (operation, plan)
        if len(self._plans) > self.maxsize:
            self._plans.popitem(last=False)
        return plan

    @staticmethod
    def _selection_variables(executor: PlannedExecutor) -> tuple[str, ...]:
        """Variables used anywhere but in the root fields' own arguments."""
        found = _VariableNames()
        for selection in executor.operation.selection_set.selections:
            if isinstance(selection, FieldNode):
                for directive in selection.directives or ():
                    visit(directive, found)
                if selection.selection_set is not None:
                    visit(selection.selection_set, found)
            else:
                visit(selection, found)
        for fragment in executor.fragments.values():
            visit(fragment.definition, found)
        return tuple(sorted(found.names))


plans = PlanCache()


class PlannedEvent:
    """One subscription event, run from the plan (or by graphql-core if it must be)."""

    __slots__ = ("executor", "payload", "plan", "root_args")

    def __init__(
        self, executor: PlannedExecutor, plan: Plan, root_args: dict[str, Any], payload: Any
    ) -> None:
        self.executor = executor
        self.plan = plan
        self.root_args = root_args
        self.payload = payload

    def execute_operation(self, serially: bool | None = None) -> Any:
        """The event's result, like graphql-core's per-event executor returns it."""
        executor = self.executor
        executor.root_value = self.payload  # what the resolvers' info carries as root
        try:
            data = run_root(self.plan, self.root_args, self.payload, executor)
        except Exception:  # an error on this event: graphql-core reports it its way
            return self._by_graphql_core()
        if executor.is_awaitable(data):
            return self._finish(data)
        return ExecutionResult(data, None)

    async def _finish(self, data: Awaitable[Any]) -> ExecutionResult:
        try:
            return ExecutionResult(await data, None)
        except Exception:
            result = self._by_graphql_core()
            return await result if self.executor.is_awaitable(result) else result  # type: ignore[no-any-return]

    def _by_graphql_core(self) -> Any:
        fresh_loaders(self.executor.context_value)
        event = StrawberryGraphQLCoreExecutionContext.build_per_event_executor(
            self.executor, self.payload
        )
        return event.execute_operation(False)


def fresh_loaders(context: Any) -> None:
    """Forget what an abandoned plan run loaded, so graphql-core runs the event as if the
    plan had never started: the same loads in the same order, so the same errors (when
    two fields fail, which one graphql-core reports depends on the order they fail in)."""
    reset = getattr(context, "reset_loaders", None)
    if reset is not None:
        reset()


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's graphql-core executor; subscription events run from a cached plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: Plan | None = None
        self._root_args: dict[str, Any] | None = None
        self._planned = False

    def build_per_event_executor(self, payload: Any) -> Any:
        """A plan-run event when the selection has a plan, else graphql-core's copy."""
        if not self._planned:
            self._planned = True
            self._plan = plans.plan_for(self)
            if self._plan is not None:
                self._root_args = self.root_arguments(self._plan)
        if self._plan is None or self._root_args is None:
            return super().build_per_event_executor(payload)
        return PlannedEvent(self, self._plan, self._root_args, payload)

    def root_arguments(self, plan: Plan) -> dict[str, Any] | None:
        """The root field's coerced arguments; None when they do not coerce."""
        step = plan.root
        node = step.field_nodes[0]
        if not (step.field_def.args or node.arguments):
            return {}
        try:
            return get_argument_values(
                step.field_def, node, self.variable_values, None, self.hide_suggestions
            )
        except Exception:  # graphql-core reports it on the event
            return None
