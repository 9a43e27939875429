"""GraphiQL in a real browser: works at once with a demo token, and switches demo user."""

from __future__ import annotations

import json

from tests.browser.graphiql import HEADERS_TEXT, RUN, open_graphiql, wait_for_result


def test_deals_home_example_runs_with_the_prefilled_demo_token(page, live_server):
    # given GraphiQL opened with no setup at all
    open_graphiql(page, live_server)
    first_tab = page.locator(".graphiql-tab").first
    assert first_tab.inner_text().strip() == "DealsHome"
    # when the first example is run
    page.click(RUN)
    # then deals with active registrations are in the result pane
    body = wait_for_result(page, "totalCount")
    assert "errors" not in body
    deals = body["data"]["deals"]
    assert deals["totalCount"] > 0
    assert deals["nodes"]
    assert all(deal["activeDealRegistrations"] >= 1 for deal in deals["nodes"])
    first_user = live_server.demo_users[0]
    assert first_user["name"] in page.locator("#ide-user option:checked").inner_text()
    page.get_by_text("Headers", exact=True).click()
    headers = json.loads(page.evaluate(HEADERS_TEXT))
    assert headers == {"Authorization": f"Bearer {first_user['token']}"}


def test_schema_loads_for_docs_and_autocompletion(page, live_server):
    # given
    open_graphiql(page, live_server)
    # when the documentation explorer is opened
    page.click('button[aria-label="Show Documentation Explorer"]')
    # then the schema came through introspection with the demo token
    explorer = page.locator(".graphiql-doc-explorer")
    explorer.get_by_text("query: Query").wait_for(timeout=15_000)
    assert "Deal" in explorer.inner_text()


def test_picking_another_demo_user_switches_the_authorization_header(page, live_server):
    # given
    open_graphiql(page, live_server)
    partner = next(u for u in live_server.demo_users if u["accountKind"] == "PARTNER")
    # when another demo user is picked in the list above GraphiQL
    with page.expect_navigation():
        page.select_option("#ide-user", partner["email"])
    page.wait_for_selector(RUN, timeout=30_000)
    # then the page is theirs: the header carries their token and the card is their deal
    assert partner["name"] in page.locator("#ide-user option:checked").inner_text()
    page.get_by_text("Headers", exact=True).click()
    headers = json.loads(page.evaluate(HEADERS_TEXT))
    assert headers == {"Authorization": f"Bearer {partner['token']}"}
    page.get_by_role("tab", name="SharedDealCard").click()
    page.click(RUN)
    card = wait_for_result(page, "partnerAccount")["data"]["deal"]
    assert card["partnerAccount"]["name"] == partner["account"]
