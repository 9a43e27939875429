"""The operations the deal team tests send, and reading back what they changed."""

from __future__ import annotations

TEAM_UPDATE = """
mutation($input: DealTeamUpdateInput!) {
  dealTeamUpdate(input: $input) {
    deal { id version }
    team { members { user { id } account { kind } addedBy { id } addedAt } }
    userErrors { field message code }
  }
}
"""

DEAL = """
query($id: ID!) {
  deal(id: $id) {
    version
    team { members { user { id } } }
    activities { totalCount nodes { kind visibility details actor { id } } }
  }
}
"""

NOTIFICATIONS = """
query { viewer { notifications { unreadCount nodes { activity { kind details } } } } }
"""


async def update(gql, person, world, add=None, remove=None, deal_gid=None):
    """Run `dealTeamUpdate` as `person`; the payload."""
    variables = {"input": {"dealId": deal_gid or world.deal_gid, "add": add, "remove": remove}}
    body = await gql(TEAM_UPDATE, person.token, variables)
    assert "errors" not in body, body
    return body["data"]["dealTeamUpdate"]


async def deal_seen_by(gql, person, world):
    """The deal's version, team and activities as `person` sees them."""
    body = await gql(DEAL, person.token, {"id": world.deal_gid})
    return body["data"]["deal"]


async def notifications_of(gql, person):
    """`person`'s notifications with the unread count."""
    body = await gql(NOTIFICATIONS, person.token)
    return body["data"]["viewer"]["notifications"]


def member_ids(result):
    """Global ids of the team members in a payload."""
    return {member["user"]["id"] for member in result["team"]["members"]}


def errors_of(result):
    """(field, code) of each user error in a payload."""
    return [(error["field"], error["code"]) for error in result["userErrors"]]


async def assert_nothing_written(gql, world):
    """The deal is as the fixture made it: version 1, no activity, team Alice and Vera."""
    deal = await deal_seen_by(gql, world.vera, world)
    assert deal["version"] == 1
    assert deal["activities"]["totalCount"] == 0
    assert {m["user"]["id"] for m in deal["team"]["members"]} == {world.alice.gid, world.vera.gid}
