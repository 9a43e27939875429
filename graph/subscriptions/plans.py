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
from collections.abc import Callable
from typing import Any

import orjson
from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
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
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from graph.subscriptions.plan_steps import (
    Complete,
    Plan,
    PlanRun,
    Step,
    is_pure,
    leaf,
    list_of,
    non_null,
    object_of,
    pure,
)

PLANS = 1000
"""Plans kept per process (distinct documents × the variable values they depend on)."""


class Unplannable(Exception):  # noqa: N818
    """The selection uses something plans do not cover."""


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
        return pure(non_null(inner)) if is_pure(inner) else non_null(inner)
    if is_list_type(return_type):
        item = _compile_complete(
            executor, return_type.of_type, group, field_def, nodes, parent_type
        )
        return pure(list_of(item)) if is_pure(item) else list_of(item)
    if is_leaf_type(return_type):
        return pure(leaf(return_type))
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
        return object_of(return_type, steps, field_def, nodes, parent_type)
    raise Unplannable(f"abstract type {return_type}")


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

    __slots__ = ("payload", "run")

    def __init__(self, run: PlanRun, payload: Any) -> None:
        self.run = run
        self.payload = payload

    def execute_operation(self, serially: bool | None = None) -> Any:
        """The event's result, like graphql-core's per-event executor returns it."""
        return self.run.run(self.payload)


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's graphql-core executor; subscription events run from a cached plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._run: PlanRun | None = None
        self._planned = False

    def build_per_event_executor(self, payload: Any) -> Any:
        """A plan-run event when the selection has a plan, else graphql-core's copy."""
        if not self._planned:
            self._planned = True
            plan = plans.plan_for(self)
            root_args = self.root_arguments(plan) if plan is not None else None
            if root_args is not None:
                self._run = PlanRun(plan, root_args, self)
        if self._run is None:
            return super().build_per_event_executor(payload)
        return PlannedEvent(self._run, payload)

    def graphql_core_event(self, payload: Any) -> Any:
        """graphql-core's per-event copy of this executor (what strawberry would run)."""
        return StrawberryGraphQLCoreExecutionContext.build_per_event_executor(self, payload)

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
