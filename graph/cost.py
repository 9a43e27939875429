"""Query cost in the style of GitHub's and Shopify's APIs, computed before execution.

Every field returning an object costs 1, except the wrappers of a page (edges,
node, nodes, pageInfo); a connection's items cost as many times as its page size
(`first`/`last`, default 20), so nested connections multiply. Plain lists do not
multiply (like GitHub). Top-level mutation fields cost 10. Introspection is free.
The plan is built once per distinct document; per request only the page sizes
given as variables are filled in. The actual cost walks the returned data the same
way, with the number of items actually returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from graph.limits import limit_error
from graph.relay import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

MUTATION_COST = 10
PAGE_ITEM_FIELDS = ("edges", "nodes")
# A page size: a literal, or (variable name, the variable's default literal).
PageSize = int | tuple[str, int | None]


def _is_wrapper(type_name: str) -> bool:
    return type_name.endswith(("Connection", "Edge")) or type_name == "PageInfo"


@dataclass(slots=True)
class PlanField:
    """The cost of one response key and of what is selected below it."""

    weight: int = 0
    page: PageSize | None = None  # set on a connection's `edges`/`nodes`
    connection_page: PageSize | None = None  # set on a connection field: checked ≤ 100
    children: dict[str, PlanField] = field(default_factory=dict)

    def merge(self, other: PlanField) -> None:
        """Fold in another selection of the same response key (fragments)."""
        self.weight = max(self.weight, other.weight)
        self.page = self.page if self.page is not None else other.page
        if self.connection_page is None:
            self.connection_page = other.connection_page
        for key, child in other.children.items():
            if key in self.children:
                self.children[key].merge(child)
            else:
                self.children[key] = child.copy()

    def copy(self) -> PlanField:
        """A deep copy, so merging never changes a memoised fragment plan."""
        children = {key: child.copy() for key, child in self.children.items()}
        return PlanField(self.weight, self.page, self.connection_page, children)


@dataclass(slots=True)
class CostPlan:
    """The cost of one operation, ready to be priced with the request's variables."""

    root: PlanField
    variable_pages: bool
    constant: int | None = None  # the requested cost, once known not to vary

    def requested(self, variables: dict[str, Any] | None) -> int:
        """The cost assuming every page is full; raises GraphQLError for too large pages."""
        if self.constant is not None:
            return self.constant
        cost = max(1, _requested(self.root, 1, variables or {}))
        if not self.variable_pages:
            self.constant = cost
        return cost

    def actual(self, data: Any) -> int:
        """The cost of what was returned (never more than requested)."""
        return max(1, _actual(self.root, data)) if isinstance(data, dict) else 0


def build_plan(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> CostPlan:
    """The cost plan of a valid operation."""
    builder = _Builder(schema, fragments)
    root_type = schema.get_root_type(operation.operation)
    root = PlanField()
    if root_type is not None:
        root.children = builder.selection(operation.selection_set, root_type)
    if operation.operation == OperationType.MUTATION:
        for child in root.children.values():
            child.weight = MUTATION_COST
    return CostPlan(root=root, variable_pages=_has_variable_pages(root))


class _Builder:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.memo: dict[tuple[str, str], dict[str, PlanField]] = {}
        self.visiting: set[str] = set()

    def selection(
        self, selection_set: SelectionSetNode, parent: Any, page: PageSize | None = None
    ) -> dict[str, PlanField]:
        plan: dict[str, PlanField] = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self._field(plan, selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                _fold(plan, self.selection(selection.selection_set, target or parent, page))
            elif isinstance(selection, FragmentSpreadNode):
                _fold(plan, self._fragment(selection.name.value, page))
        return plan

    def _fragment(self, name: str, page: PageSize | None) -> dict[str, PlanField]:
        key = (name, repr(page))
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return {}
        self.visiting.add(name)
        target = self.schema.get_type(fragment.type_condition.name.value)
        plan = self.selection(fragment.selection_set, target, page)
        self.visiting.discard(name)
        self.memo[key] = plan
        return plan

    def _field(
        self, plan: dict[str, PlanField], node: FieldNode, parent: Any, page: PageSize | None
    ) -> None:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        named = get_named_type(definition.type)
        entry = PlanField()
        if is_composite_type(named) and not _is_wrapper(parent.name):
            entry.weight = 1
        if _is_wrapper(parent.name) and name in PAGE_ITEM_FIELDS:
            entry.page = page
        child_page = _page_size(node) if named.name.endswith("Connection") else None
        entry.connection_page = child_page
        if node.selection_set is not None:
            entry.children = self.selection(node.selection_set, named, child_page)
        key = node.alias.value if node.alias else name
        if key in plan:
            plan[key].merge(entry)
        else:
            plan[key] = entry


def _fold(plan: dict[str, PlanField], other: dict[str, PlanField]) -> None:
    for key, entry in other.items():
        if key in plan:
            plan[key].merge(entry)
        else:
            plan[key] = entry.copy()


def _page_size(node: FieldNode) -> PageSize:
    arguments = {argument.name.value: argument.value for argument in node.arguments or ()}
    value = arguments.get("first") or arguments.get("last")
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, VariableNode):
        return (value.name.value, None)
    return DEFAULT_PAGE_SIZE


def _has_variable_pages(entry: PlanField) -> bool:
    if isinstance(entry.page, tuple) or isinstance(entry.connection_page, tuple):
        return True
    return any(_has_variable_pages(child) for child in entry.children.values())


def _resolve_page(page: PageSize, variables: dict[str, Any]) -> int:
    if isinstance(page, tuple):
        value = variables.get(page[0])
        if not isinstance(value, int) or isinstance(value, bool):
            return DEFAULT_PAGE_SIZE
        size = value
    else:
        size = page
    if size > MAX_PAGE_SIZE:
        raise limit_error(  # the code the resolvers' own check (relay.check_page_args) uses
            f"`first`/`last` must be between 0 and {MAX_PAGE_SIZE}; got {size}.",
            "BAD_USER_INPUT",
            maxPageSize=MAX_PAGE_SIZE,
        )
    return max(0, size)


def _requested(entry: PlanField, multiplier: int, variables: dict[str, Any]) -> int:
    total = entry.weight * multiplier
    if entry.connection_page is not None:
        _resolve_page(entry.connection_page, variables)  # refuses pages over the maximum
    for child in entry.children.values():
        factor = _resolve_page(child.page, variables) if child.page is not None else 1
        total += _requested(child, multiplier * factor, variables)
    return total


def _actual(entry: PlanField, value: Any) -> int:
    if isinstance(value, list):
        costs = [_actual_object(entry, item) for item in value]
        if not costs:
            return 0
        return sum(costs) if entry.page is not None else max(costs)
    return _actual_object(entry, value)


def _actual_object(entry: PlanField, value: Any) -> int:
    if not isinstance(value, dict):
        return 0
    total = 0
    for key, child in entry.children.items():
        if key in value:
            total += child.weight + _actual(child, value[key])
    return total


def check_cost(requested: int, max_cost: int) -> GraphQLError | None:
    """The error refusing a query whose requested cost is over the maximum, if it is."""
    if requested <= max_cost:
        return None
    return limit_error(
        f"The query's cost is {requested}; at most {max_cost} allowed. "
        "Ask for smaller pages (`first`/`last`) or fewer nested connections.",
        "MAX_COST_EXCEEDED",
        cost=requested,
        maxCost=max_cost,
    )
