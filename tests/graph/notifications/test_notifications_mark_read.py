"""`notificationsMarkRead`: the viewer marks some or all of their own notifications read."""

from __future__ import annotations

import pytest

from db.models import AccountKind, ActivityKind
from graph.relay import to_global_id

MARK_READ = """
mutation($input: NotificationsMarkReadInput!) {
  notificationsMarkRead(input: $input) {
    unreadCount
    notifications { id readAt }
    userErrors { field message code }
  }
}
"""

NOTIFICATIONS = "query { viewer { notifications { unreadCount nodes { id readAt } } } }"


@pytest.fixture
async def inbox(factory):
    """Three notifications for Nora (and three for Ned), made by Amy's changes."""
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    amy = await factory.person(partner)
    nora = await factory.person(partner)
    ned = await factory.person(vendor)
    deal = await factory.deal(partner, vendor, team=[amy, nora, ned])
    for _ in range(3):
        await factory.activity(deal, amy, ActivityKind.AMOUNT_CHANGED)
    return nora, ned


async def _mark(gql, person, ids=None, all_=None):
    body = await gql(MARK_READ, person.token, {"input": {"ids": ids, "all": all_}})
    assert "errors" not in body, body
    return body["data"]["notificationsMarkRead"]


async def _notifications(gql, person):
    return (await gql(NOTIFICATIONS, person.token))["data"]["viewer"]["notifications"]


async def test_marking_some_read_leaves_the_rest_unread(gql, inbox):
    # given
    nora, _ = inbox
    newest, middle, _ = (n["id"] for n in (await _notifications(gql, nora))["nodes"])

    # when
    result = await _mark(gql, nora, ids=[newest, middle])

    # then
    assert result["userErrors"] == []
    assert result["unreadCount"] == 1
    assert [n["id"] for n in result["notifications"]] == [newest, middle]
    assert all(n["readAt"] for n in result["notifications"])
    assert [bool(n["readAt"]) for n in (await _notifications(gql, nora))["nodes"]] == [
        True,
        True,
        False,
    ]


async def test_all_marks_every_notification_read(gql, inbox):
    nora, ned = inbox

    result = await _mark(gql, nora, all_=True)

    assert result["unreadCount"] == 0
    assert (await _notifications(gql, nora))["unreadCount"] == 0
    assert (await _notifications(gql, ned))["unreadCount"] == 3


async def test_marking_again_keeps_the_first_read_time(gql, inbox):
    nora, _ = inbox
    newest = (await _notifications(gql, nora))["nodes"][0]["id"]
    first = (await _mark(gql, nora, ids=[newest]))["notifications"][0]["readAt"]

    again = await _mark(gql, nora, ids=[newest])

    assert again["notifications"][0]["readAt"] == first
    assert again["unreadCount"] == 2


async def test_another_users_notification_is_not_found_and_nothing_is_marked(gql, inbox):
    nora, ned = inbox
    own = (await _notifications(gql, nora))["nodes"][0]["id"]
    theirs = (await _notifications(gql, ned))["nodes"][0]["id"]

    result = await _mark(gql, nora, ids=[own, theirs])

    assert result["unreadCount"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "ids", "1"], "NOT_FOUND")
    ]
    assert (await _notifications(gql, nora))["unreadCount"] == 3
    assert (await _notifications(gql, ned))["unreadCount"] == 3


async def test_a_malformed_or_unknown_id_is_not_found(gql, inbox):
    nora, _ = inbox

    result = await _mark(gql, nora, ids=["nonsense", to_global_id("Notification", 999_999)])

    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "ids", "0"], "NOT_FOUND"),
        (["input", "ids", "1"], "NOT_FOUND"),
    ]


async def test_more_than_100_ids_are_refused_before_execution(gql, inbox):
    # db/ops' TOO_MANY backs this up for other callers (tests/db/ops/test_batch_limits.py).
    nora, _ = inbox
    newest = (await _notifications(gql, nora))["nodes"][0]["id"]

    body = await gql(MARK_READ, nora.token, {"input": {"ids": [newest] * 101}})

    assert body["errors"][0]["extensions"]["code"] == "MAX_LIST_SIZE_EXCEEDED"
    assert (await _notifications(gql, nora))["unreadCount"] == 3


async def test_nothing_named_marks_nothing_and_reports_the_count(gql, inbox):
    nora, _ = inbox

    result = await _mark(gql, nora)

    assert result["userErrors"] == []
    assert result["unreadCount"] == 3
