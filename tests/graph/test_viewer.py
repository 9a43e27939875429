"""The viewer: notifications with unread count, pagination."""

from __future__ import annotations

from sqlalchemy import update

from db.models import AccountKind, ActivityKind, Notification, utcnow

NOTIFICATIONS = """
query($first: Int, $after: String, $unreadOnly: Boolean) {
  viewer {
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      unreadCount totalCount
      pageInfo { hasNextPage endCursor }
      nodes { cursor readAt activity { kind actor { name } } deal { name } }
    }
  }
}
"""


async def test_notifications_newest_first_with_unread_count(gql, factory, database):
    vendor = await factory.org(AccountKind.VENDOR)
    partner = await factory.org()
    me = await factory.person(partner)
    rep = await factory.person(vendor, name="Rep")
    deal = await factory.deal(partner, vendor, name="Acme", team=[me, rep])
    await factory.activity(deal, rep, ActivityKind.PRODUCTS_CHANGED)
    await factory.activity(deal, rep, ActivityKind.TEAM_MEMBER_ADDED)
    await factory.activity(deal, rep, ActivityKind.CALL_SUMMARY_CREATED)  # INTERNAL: not for me
    async with database.transaction() as session:
        await session.execute(
            update(Notification).where(Notification.seq == 1).values(read_at=utcnow())
        )

    page = await gql(NOTIFICATIONS, me.token, {"first": 1})
    rest = await gql(
        NOTIFICATIONS,
        me.token,
        {"first": 5, "after": page["data"]["viewer"]["notifications"]["pageInfo"]["endCursor"]},
    )
    unread = await gql(NOTIFICATIONS, me.token, {"unreadOnly": True})

    first = page["data"]["viewer"]["notifications"]
    assert first["unreadCount"] == 1
    assert first["totalCount"] == 2
    assert [n["activity"]["kind"] for n in first["nodes"]] == ["TEAM_MEMBER_ADDED"]
    assert first["nodes"][0]["deal"]["name"] == "Acme"
    assert first["nodes"][0]["activity"]["actor"]["name"] == "Rep"
    assert [n["activity"]["kind"] for n in rest["data"]["viewer"]["notifications"]["nodes"]] == [
        "PRODUCTS_CHANGED"
    ]
    unread_nodes = unread["data"]["viewer"]["notifications"]["nodes"]
    assert [n["activity"]["kind"] for n in unread_nodes] == ["TEAM_MEMBER_ADDED"]


async def test_notification_pages_backwards_with_last_and_before(gql, factory):
    vendor = await factory.org(AccountKind.VENDOR)
    partner = await factory.org()
    me = await factory.person(partner)
    rep = await factory.person(vendor)
    deal = await factory.deal(partner, vendor, team=[me, rep])
    for kind in (
        ActivityKind.PRODUCTS_CHANGED,
        ActivityKind.TEAM_MEMBER_ADDED,
        ActivityKind.AMOUNT_CHANGED,
    ):
        await factory.activity(deal, rep, kind)
    query = """query($last: Int, $before: String) { viewer {
      notifications(last: $last, before: $before) {
        pageInfo { hasPreviousPage startCursor } nodes { activity { kind } }
      } } }"""

    oldest = await gql(query, me.token, {"last": 1})
    page = oldest["data"]["viewer"]["notifications"]
    newer = await gql(query, me.token, {"last": 2, "before": page["pageInfo"]["startCursor"]})

    assert [n["activity"]["kind"] for n in page["nodes"]] == ["PRODUCTS_CHANGED"]
    assert page["pageInfo"]["hasPreviousPage"] is True
    assert [n["activity"]["kind"] for n in newer["data"]["viewer"]["notifications"]["nodes"]] == [
        "AMOUNT_CHANGED",
        "TEAM_MEMBER_ADDED",
    ]
