"""Planned subscription events give exactly what graphql-core gives, errors included.

Each case runs one event twice on the same payload and context: from the plan
(graph/subscriptions/plans.py) and through graphql-core's own per-event execution,
and compares the JSON each would send, key order included.
"""

from __future__ import annotations

from typing import Any

import graphql
import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis_graphql import queries
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from db.config import Settings
from db.models import AccountKind, ActivityKind
from db.ops.activity import lock_deal, record_activity
from graph.activity.types import Activity
from graph.auth import viewer_for
from graph.broker import InProcessBroker
from graph.context import Context
from graph.loaders.deals import DealByIdLoader
from graph.notifications.types import Notification, notification_cursor
from graph.relay import to_global_id
from graph.schema import schema
from graph.subscriptions.plan_steps import run_root
from graph.subscriptions.plans import PlannedEvent, PlannedExecutor, plans
from graph.subscriptions.reader import feed_reader

NOTIFICATION_SELECTIONS = {
    "the benchmark's": "{ cursor activity { kind } }",
    "scalars, enum, JSON and dates": (
        "{ id cursor createdAt readAt activity { id kind visibility occurredAt details } }"
    ),
    "async fields through loaders": (
        "{ id activity { actor { name email role account { name kind } } callSummary { overview } }"
        " deal { name amount closeDate stage { name } partnerAccount { name } } }"
    ),
    "aliases, __typename and merged fields": (
        "{ __typename first: cursor second: cursor activity { kind } activity { id __typename } }"
    ),
    "fragments and inline fragments": (
        "{ ...N activity { ... on Activity { kind } ... on Node { id } } }"
        " } fragment N on Notification { cursor deal { ...D } } fragment D on Deal { name"
    ),
    "lists and nested objects": (
        "{ deal { productsOfInterest { name hub tier } registrations { status isActive }"
        " team { members { user { name } account { kind } addedBy { name } addedAt } } } }"
    ),
    "skip and include": (
        "{ cursor @skip(if: $yes) id @include(if: $yes) activity @include(if: $no) { kind } }"
    ),
}


def _subscription(selection: str) -> str:
    return (
        "subscription ($after: String, $yes: Boolean = true, $no: Boolean = false) "
        f"{{ notificationReceived(after: $after) {selection} }}"
    )


@pytest.fixture
async def world(factory, database) -> dict[str, Any]:
    """A partner's notification about a vendor's shared call summary, and a viewer for it."""
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    me = await factory.person(partner, name="Me")
    rep = await factory.person(vendor, name="Rep")
    product = await factory.product(hub="Sales")
    deal = await factory.deal(partner, vendor, name="Acme", team=[me, rep], products=[product])
    await factory.registration(deal, me)
    summary = await factory.call_summary(deal, rep, shared=True, overview="Went well")
    async with database.transaction() as session:
        locked = await lock_deal(session=session, deal_id=deal.id)
        assert locked is not None
        await record_activity(
            session=session,
            deal=locked,
            kind=ActivityKind.CALL_SUMMARY_SHARED,
            actor=rep.user,
            account_id=rep.user.account_id,
            details={"title": "Discovery", "nested": {"n": [1, 2.5, None, "x"]}},
            call_summary_id=summary.id,
        )
    ((row, activity_row),) = await feed_reader(database).notifications.load((me.id, 0))
    viewer = await viewer_for(database, f"Bearer {me.token}")
    assert viewer is not None
    context = Context(
        database=database, settings=Settings(), broker=InProcessBroker(), viewer=viewer
    )
    return {
        "context": context,
        "notification": lambda: Notification.from_row(row, activity=activity_row),
        "activity": lambda: Activity.from_row(activity_row._row),
        "deal_id": to_global_id("Deal", deal.id),
    }


def _executor(query: str, context: Context, variables: dict[str, Any]) -> PlannedExecutor:
    executor = PlannedExecutor.build(schema._schema, graphql.parse(query), None, context, variables)
    assert isinstance(executor, PlannedExecutor), executor
    return executor


async def _settle(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


async def _by_graphql_core(executor: PlannedExecutor, payload: Any) -> graphql.ExecutionResult:
    """The event as graphql-core runs it, with loaders as fresh as a new event's."""
    executor.context_value.reset_loaders()
    event = StrawberryGraphQLCoreExecutionContext.build_per_event_executor(executor, payload)
    return await _settle(event.execute_operation(False))


def _sent(result: graphql.ExecutionResult) -> bytes:
    """The `next` payload as the transport would encode it.

    Errors are sorted: graphql-core orders them by when each failed, which differs
    between a run whose loaders are cold and one whose loaders are warm.
    """
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = sorted((error.formatted for error in result.errors), key=orjson.dumps)
    return orjson.dumps(payload)


@pytest.mark.parametrize("selection", NOTIFICATION_SELECTIONS.values(), ids=NOTIFICATION_SELECTIONS)
async def test_a_planned_notification_is_what_graphql_core_sends(world, selection):
    # given
    executor = _executor(
        _subscription(selection), world["context"], {"after": notification_cursor(0)}
    )
    plan = plans.plan_for(executor)
    assert plan is not None
    # when: the plan runs without falling back
    planned = await _settle(
        run_root(plan, {"after": notification_cursor(0)}, world["notification"](), executor)
    )
    reference = await _by_graphql_core(executor, world["notification"]())
    # then
    assert reference.errors is None, reference.errors
    assert orjson.dumps({"data": planned}) == _sent(reference)


async def test_a_planned_deal_activity_is_what_graphql_core_sends(world):
    query = (
        "subscription ($dealId: ID!) { dealActivity(dealId: $dealId) "
        "{ id kind visibility details actor { name } deal { name }"
        " callSummary { overview nextSteps } } }"
    )
    executor = _executor(query, world["context"], {"dealId": world["deal_id"]})
    plan = plans.plan_for(executor)
    assert plan is not None
    planned = await _settle(
        run_root(plan, {"deal_id": world["deal_id"]}, world["activity"](), executor)
    )
    reference = await _by_graphql_core(executor, world["activity"]())
    assert reference.errors is None, reference.errors
    assert orjson.dumps({"data": planned}) == _sent(reference)


async def test_an_event_with_an_error_is_left_to_graphql_core(world):
    # given: a notification whose non-null `createdAt` is missing
    executor = _executor(_subscription("{ cursor createdAt }"), world["context"], {})
    broken = world["notification"]()
    broken.created_at = None
    # when
    event = executor.build_per_event_executor(broken)
    result = await _settle(event.execute_operation(False))
    # then: the plan was used, gave up, and the client gets graphql-core's error
    assert isinstance(event, PlannedEvent)
    assert result.data is None
    assert result.errors[0].message == (
        "Cannot return null for non-nullable field Notification.createdAt."
    )
    assert _sent(result) == _sent(await _by_graphql_core(executor, broken))


async def test_a_resolver_that_raises_is_reported_as_graphql_core_does(world, monkeypatch):
    executor = _executor(
        _subscription("{ cursor activity { kind } deal { name } }"), world["context"], {}
    )

    async def failing(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(DealByIdLoader, "load", failing)
    event = executor.build_per_event_executor(world["notification"]())
    result = await _settle(event.execute_operation(False))
    assert isinstance(event, PlannedEvent)
    assert result.data["notificationReceived"]["deal"] is None
    assert result.errors[0].path == ["notificationReceived", "deal"]
    assert _sent(result) == _sent(await _by_graphql_core(executor, world["notification"]()))


async def test_subscribers_of_one_document_share_one_plan(world):
    query = _subscription("{ cursor activity @include(if: $no) { kind } }")
    document = graphql.parse(query)
    first = PlannedExecutor.build(schema._schema, document, None, world["context"], {"after": "a"})
    second = PlannedExecutor.build(schema._schema, document, None, world["context"], {"after": "b"})
    flipped = PlannedExecutor.build(
        schema._schema, document, None, world["context"], {"after": "a", "no": True}
    )
    assert plans.plan_for(first) is plans.plan_for(second)  # `after` is not part of the plan
    unused = PlannedExecutor.build(
        schema._schema, document, None, world["context"], {"after": "a", "yes": False}
    )
    assert plans.plan_for(flipped) is not plans.plan_for(first)  # `$no` changes it
    assert plans.plan_for(unused) is plans.plan_for(first)  # `$yes` is not used


# --- generated selections ---------------------------------------------------------------

# hypothesis-graphql writes queries; a schema whose query root is the Subscription type
# makes it write subscription selections (the operation keyword is put back below).
_AS_QUERY = graphql.GraphQLSchema(
    query=schema._schema.subscription_type, types=list(schema._schema.type_map.values())
)
GENERATED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@GENERATED
@given(query=queries(_AS_QUERY, fields=["notificationReceived"]))
async def test_generated_selections_send_what_graphql_core_sends(world, query):
    text = f"subscription {query.removeprefix('query')}"
    document = graphql.parse(text)
    assume(not graphql.validate(schema._schema, document))
    executor = PlannedExecutor.build(schema._schema, document, None, world["context"], {})
    assume(isinstance(executor, PlannedExecutor))
    world["context"].reset_loaders()  # each example starts like a new event
    event = executor.build_per_event_executor(world["notification"]())
    planned = await _settle(event.execute_operation(False))
    reference = await _by_graphql_core(executor, world["notification"]())
    assert _sent(planned) == _sent(reference)
