"""Live notifications in GraphiQL: a subscription over WebSocket sees a change made over HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.browser.conftest import LiveServer
from tests.browser.graphiql import RUN, open_graphiql, wait_for_result

NOTIFICATION_CURSOR = """
query { viewer { notifications(first: 1) { nodes { cursor } } } }
"""
TEAM_DEALS = """
query { deals(first: 50) { nodes { id name team { members { user { id email } } } } } }
"""
COLLEAGUES = "query { viewer { account { users(first: 100) { nodes { id isActive } } } } }"
ADD_TO_TEAM = """
mutation ($dealId: ID!, $userId: ID!) {
  dealTeamUpdate(input: {dealId: $dealId, add: [$userId]}) { userErrors { code message } }
}
"""


def graphql(server: LiveServer, email: str, query: str, **variables: Any) -> dict[str, Any]:
    """Run an operation over HTTP as a demo user; fail on any error."""
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {server.user(email)['token']}"},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def partner_change_on_a_deal_of(server: LiveServer, subscriber: str) -> str:
    """As a partner on one of the subscriber's deals, add a colleague to its team; the deal."""
    emails = {user["email"] for user in server.demo_users if user["accountKind"] == "PARTNER"}
    for deal in graphql(server, subscriber, TEAM_DEALS)["deals"]["nodes"]:
        members = {m["user"]["email"]: m["user"]["id"] for m in deal["team"]["members"]}
        partner = next((email for email in members if email in emails), None)
        if subscriber not in members or partner is None:
            continue
        users = graphql(server, partner, COLLEAGUES)["viewer"]["account"]["users"]["nodes"]
        newcomer = next(
            (u["id"] for u in users if u["isActive"] and u["id"] not in members.values()), None
        )
        if newcomer is None:
            continue
        result = graphql(server, partner, ADD_TO_TEAM, dealId=deal["id"], userId=newcomer)
        assert result["dealTeamUpdate"]["userErrors"] == []
        return str(deal["name"])
    raise AssertionError("no deal of the subscriber has a partner who can add a colleague")


def test_notification_subscription_shows_a_change_made_over_http(page, live_server):
    # given GraphiQL subscribed to notifications as the first demo user, from the last
    # notification they have (so nothing committed after that can be missed)
    subscriber = live_server.demo_users[0]["email"]
    latest = graphql(live_server, subscriber, NOTIFICATION_CURSOR)["viewer"]["notifications"]
    after = latest["nodes"][0]["cursor"] if latest["nodes"] else None
    open_graphiql(page, live_server)
    page.get_by_role("tab", name="Notifications").click()
    page.evaluate(
        "(text) => document.querySelector('.graphiql-editor-tool .CodeMirror')"
        ".CodeMirror.setValue(text)",
        json.dumps({"after": after}),
    )
    page.click(RUN)
    # when a partner on one of their deals changes its team over HTTP
    deal_name = partner_change_on_a_deal_of(live_server, subscriber)
    # then the notification appears in the result pane, pushed over the WebSocket
    body = wait_for_result(page, "TEAM_MEMBER_ADDED")
    notification = body["data"]["notificationReceived"]
    assert notification["activity"]["kind"] == "TEAM_MEMBER_ADDED"
    assert notification["deal"]["name"] == deal_name
