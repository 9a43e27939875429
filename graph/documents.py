"""Parsed, validated and priced documents, cached per query string (LRU).

Parsing, validation (the schema's rules plus depth, alias and list limits) and
the cost plan run once per distinct document; a repeated query costs a dict
lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph.cost import CostPlan, build_plan
from graph.limits import (
    Limits,
    alias_limit_rule,
    depth_limit_rule,
    limit_error,
    list_literal_rule,
    token_limit_error,
)

# Documents longer than this are validated every time rather than kept in memory.
MAX_CACHED_QUERY_LENGTH = 100_000


@dataclass(slots=True)
class PreparedDocument:
    """A document with its operations, and its request errors or the operations' cost plans."""

    document: DocumentNode | None
    errors: list[GraphQLError]
    operations: dict[str | None, OperationDefinitionNode] = field(default_factory=dict)
    plans: dict[str | None, CostPlan] = field(default_factory=dict)

    def operation(self, name: str | None) -> OperationDefinitionNode | GraphQLError:
        """The operation to run, or the request error saying why there is none."""
        if name is None:
            if len(self.operations) == 1:
                return next(iter(self.operations.values()))
            return limit_error(
                "Must provide operation name if query contains multiple operations.",
                "BAD_REQUEST",
            )
        found = self.operations.get(name)
        if found is None:
            return limit_error(f"Unknown operation named '{name}'.", "BAD_REQUEST")
        return found


class DocumentCache:
    """Prepares documents for one schema and one set of limits; keeps the recent ones."""

    def __init__(
        self,
        schema: GraphQLSchema,
        limits: Limits,
        *,
        introspection: bool,
        hide_suggestions: bool,
        size: int,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.hide_suggestions = hide_suggestions
        self.size = size
        self._cache: OrderedDict[str, PreparedDocument] = OrderedDict()
        rules: list[type[ASTValidationRule]] = [
            *specified_rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
            depth_limit_rule(limits.max_depth),
            alias_limit_rule(limits.max_aliases),
            list_literal_rule(limits.max_list_input),
        ]
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules = tuple(rules)

    def get(self, query: str) -> PreparedDocument:
        """The prepared document for a query string (cached)."""
        cached = self._cache.get(query)
        if cached is not None:
            self._cache.move_to_end(query)
            return cached
        prepared = self.prepare(query)
        if len(query) <= MAX_CACHED_QUERY_LENGTH and self.size > 0:
            self._cache[query] = prepared
            if len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return prepared

    def prepare(self, query: str) -> PreparedDocument:
        """Parse, validate and price a query string."""
        try:
            document = parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLError as error:
            limited = token_limit_error(error, self.limits.max_tokens)
            return PreparedDocument(None, [limited or _coded(error, "GRAPHQL_PARSE_FAILED")])
        except RecursionError:
            too_deep = limit_error("The query is nested too deeply to parse.", "MAX_DEPTH_EXCEEDED")
            return PreparedDocument(None, [too_deep])
        prepared = PreparedDocument(document, [])
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                name = definition.name.value if definition.name else None
                prepared.operations[name] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
        errors = validate(self.schema, document, self.rules, hide_suggestions=self.hide_suggestions)
        if errors:
            prepared.errors = [_coded(error, "GRAPHQL_VALIDATION_FAILED") for error in errors]
            return prepared
        for name, operation in prepared.operations.items():
            prepared.plans[name] = build_plan(self.schema, operation, fragments)
        return prepared


def _coded(error: GraphQLError, code: str) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    if error.message.startswith("GraphQL introspection has been disabled"):
        code = "INTROSPECTION_DISABLED"
    error.extensions = {**(error.extensions or {}), "code": code}
    return error
