"""Limits checked on the parsed document before anything executes.

Depth, aliases and literal list sizes are validation rules (so they run once per
distinct document, inside the cached validation); tokens are counted by the
parser; variable list sizes are checked per request; cost lives in graph/cost.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationContext,
    ValidationRule,
)
from graphql.language.visitor import SKIP, VisitorAction

from db.config import Settings


@dataclass(frozen=True, slots=True)
class Limits:
    """The configured ceilings of one server."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_cost: int
    max_list_input: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limits a server runs with."""
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_cost=settings.max_query_cost,
            max_list_input=settings.max_list_input,
        )


def limit_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    """A request error refusing a document that goes over a limit."""
    return GraphQLError(message, extensions={"code": code, **extensions})


def is_introspection(field: FieldNode) -> bool:
    """`__schema`/`__type` subtrees and `__typename` are not counted."""
    return field.name.value.startswith("__")


class _FragmentWalk:
    """Memoised walks over selection sets that follow fragment spreads once each."""

    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self.memo: dict[str, int] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str, measure: Callable[[SelectionSetNode], int]) -> int:
        if name in self.memo:
            return self.memo[name]
        fragment = self.context.get_fragment(name)
        if fragment is None or name in self.visiting:
            return 0  # unknown or circular: other rules report those
        self.visiting.add(name)
        value = measure(fragment.selection_set)
        self.visiting.discard(name)
        self.memo[name] = value
        return value


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    """A rule refusing operations nested deeper than `max_depth` fields."""

    class QueryDepthRule(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> VisitorAction:
            walk = _FragmentWalk(self.context)

            def depth(selection_set: SelectionSetNode) -> int:
                deepest = 0
                for selection in selection_set.selections:
                    if isinstance(selection, FieldNode):
                        if is_introspection(selection):
                            continue
                        below = depth(selection.selection_set) if selection.selection_set else 0
                        deepest = max(deepest, 1 + below)
                    elif isinstance(selection, InlineFragmentNode):
                        deepest = max(deepest, depth(selection.selection_set))
                    elif isinstance(selection, FragmentSpreadNode):
                        deepest = max(deepest, walk.fragment(selection.name.value, depth))
                return deepest

            found = depth(node.selection_set)
            if found > max_depth:
                self.report_error(
                    limit_error(
                        f"The query is nested {found} levels deep; at most {max_depth} allowed.",
                        "MAX_DEPTH_EXCEEDED",
                        depth=found,
                        maxDepth=max_depth,
                    )
                )
            return SKIP

    return QueryDepthRule


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    """A rule refusing operations using more than `max_aliases` aliases, fragments expanded."""

    class AliasCountRule(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> VisitorAction:
            walk = _FragmentWalk(self.context)

            def aliases(selection_set: SelectionSetNode) -> int:
                count = 0
                for selection in selection_set.selections:
                    if isinstance(selection, FieldNode):
                        count += 1 if selection.alias else 0
                        if selection.selection_set:
                            count += aliases(selection.selection_set)
                    elif isinstance(selection, InlineFragmentNode):
                        count += aliases(selection.selection_set)
                    elif isinstance(selection, FragmentSpreadNode):
                        count += walk.fragment(selection.name.value, aliases)
                return count

            found = aliases(node.selection_set)
            if found > max_aliases:
                self.report_error(
                    limit_error(
                        f"The query uses {found} aliases; at most {max_aliases} allowed.",
                        "MAX_ALIASES_EXCEEDED",
                        aliases=found,
                        maxAliases=max_aliases,
                    )
                )
            return SKIP

    return AliasCountRule


def list_literal_rule(max_items: int) -> type[ValidationRule]:
    """A rule refusing list literals over `max_items`, and strings holding NUL characters."""

    class ListInputSizeRule(ValidationRule):
        def enter_list_value(self, node: ListValueNode, *_args: Any) -> None:
            if len(node.values) > max_items:
                self.report_error(_list_error(len(node.values), max_items))

        def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
            if "\x00" in node.value:
                self.report_error(_nul_error())

    return ListInputSizeRule


def _nul_error() -> GraphQLError:
    # No text column (PostgreSQL's least of all) stores NUL; refuse it as bad input.
    return limit_error("Strings may not contain NUL characters.", "BAD_USER_INPUT")


def _list_error(size: int, max_items: int) -> GraphQLError:
    return limit_error(
        f"A list input holds {size} items; at most {max_items} allowed.",
        "MAX_LIST_SIZE_EXCEEDED",
        maxItems=max_items,
    )


def check_variable_lists(variables: dict[str, Any], max_items: int) -> GraphQLError | None:
    """The error for the first list over `max_items` (or NUL character) in the variables."""
    pending: list[Any] = [variables]
    while pending:  # iterative: variables may nest as deep as the JSON parser allows
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return _nul_error()
        elif isinstance(value, list):
            if len(value) > max_items:
                return _list_error(len(value), max_items)
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
    return None


TOKEN_LIMIT_MARKER = "Document contains more than"  # noqa: S105  (a parser message)


def token_limit_error(error: GraphQLError, max_tokens: int) -> GraphQLError | None:
    """The parser's token-limit abort as a limit error with its code; None for other errors."""
    if TOKEN_LIMIT_MARKER not in error.message:
        return None
    return limit_error(
        f"The query has more than {max_tokens} tokens; it was not parsed.",
        "MAX_TOKENS_EXCEEDED",
        maxTokens=max_tokens,
    )
