"""Property-based: generated queries, mutations and variables never break the server.

Bounded (a few hundred examples in all) so CI stays fast; SQLite only. "Never
break" means: no HTTP 5xx, no unhandled exception (TestClient re-raises them), no
masked internal error, and no hang (each request has an execution timeout).
"""

from __future__ import annotations

import base64

import graphql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from graph.schema import schema

GRAPHQL_SCHEMA = schema._schema
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _scalar_strategy() -> st.SearchStrategy[graphql.ValueNode]:
    return st.one_of(
        st.dates().map(lambda day: nodes.String(day.isoformat())),
        st.datetimes().map(lambda moment: nodes.String(moment.isoformat())),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(
            lambda amount: nodes.String(str(amount))
        ),
        st.integers().map(nodes.Int),
        st.text(max_size=20).map(nodes.String),
    )


CUSTOM_SCALARS = {
    name: _scalar_strategy()
    for name, type_ in GRAPHQL_SCHEMA.type_map.items()
    if isinstance(type_, graphql.GraphQLScalarType) and name not in graphql.specified_scalar_types
}


def _assert_handled(response) -> dict:
    assert response.status_code in (200, 400), response.text
    body = response.json()
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    return body


@FUZZ
@given(query=queries(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_generated_queries_are_answered(fuzz, query):
    _assert_handled(fuzz.post({"query": query}))


@FUZZ
@given(mutation=mutations(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_generated_mutations_are_answered(fuzz, mutation):
    _assert_handled(fuzz.post({"query": mutation}))


@FUZZ
@given(text=st.text(max_size=300))
def test_arbitrary_text_as_a_query_is_a_request_error(fuzz, text):
    body = _assert_handled(fuzz.post({"query": text}))
    assert "errors" in body or "data" in body


VARIABLES_QUERY = """
query Fuzz($id: ID!, $first: Int, $after: String, $filter: DealFilter, $order: DealOrder) {
  node(id: $id) { id }
  deal(id: $id) { name }
  deals(first: $first, after: $after, filter: $filter, orderBy: $order) {
    totalCount nodes { id name }
  }
}
"""


def _global_ids() -> st.SearchStrategy[str]:
    type_names = st.sampled_from(["Deal", "User", "Account", "Pipeline", "Notification", "X"])
    raw = st.builds(lambda name, pk: f"{name}:{pk}", type_names, st.integers())
    return raw.map(lambda text: base64.b64encode(text.encode()).decode()) | st.text(max_size=40)


@FUZZ
@given(
    variables=st.fixed_dictionaries(
        {},
        optional={
            "id": _global_ids() | JSON_VALUES,
            "first": st.integers() | JSON_VALUES,
            "after": st.text(max_size=60) | JSON_VALUES,
            "filter": JSON_VALUES
            | st.fixed_dictionaries(
                {},
                optional={
                    "nameContains": st.text(max_size=40),
                    "stageIds": st.lists(_global_ids(), max_size=5),
                    "activeDealRegistrations": st.fixed_dictionaries(
                        {}, optional={"gte": st.integers(), "lte": st.integers()}
                    ),
                    "closeDate": st.fixed_dictionaries(
                        {}, optional={"from": st.text(max_size=12), "to": st.text(max_size=12)}
                    ),
                },
            ),
            "order": JSON_VALUES
            | st.fixed_dictionaries(
                {"field": st.sampled_from(["NAME", "AMOUNT", "CLOSE_DATE", "X"])},
                optional={"direction": st.sampled_from(["ASC", "DESC", "UP"])},
            ),
        },
    )
)
def test_generated_variables_are_answered(fuzz, variables):
    _assert_handled(fuzz.post({"query": VARIABLES_QUERY, "variables": variables}))
