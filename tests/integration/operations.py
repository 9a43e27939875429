"""Operations the integration tests send, as a client would."""

from __future__ import annotations

NOTIFICATIONS = """
subscription ($after: String) {
  notificationReceived(after: $after) { cursor activity { kind details } deal { name } }
}
"""

TEAM_UPDATE = """
mutation ($input: DealTeamUpdateInput!) {
  dealTeamUpdate(input: $input) { team { members { user { name } } } userErrors { code } }
}
"""

NEWEST_CURSOR = "query { viewer { notifications(first: 1) { edges { cursor } } } }"
