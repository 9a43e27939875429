"""GraphiQL in a real browser: the deals home with a demo token, and live notifications."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import LiveServer

RUN = ".graphiql-execute-button"


def open_graphiql(page: Any, server: LiveServer, as_email: str | None = None) -> None:
    """Open the page (optionally as another demo user) and wait until GraphiQL is ready."""
    suffix = f"?as={as_email}" if as_email else ""
    page.goto(f"{server.url}/graphql{suffix}")
    page.wait_for_selector(RUN, timeout=30_000)


RESULT_TEXT = "() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"


def result_text(page: Any) -> str:
    """What the result pane shows, as text (read from its CodeMirror editor)."""
    text: str = page.evaluate(RESULT_TEXT)
    return text


def wait_for_result(page: Any, expected: str, timeout: int = 15_000) -> dict[str, Any]:
    """Wait until the result pane shows `expected`, then return its JSON."""
    page.wait_for_function(
        f"() => ({RESULT_TEXT[6:]}).includes({json.dumps(expected)})", timeout=timeout
    )
    parsed: dict[str, Any] = json.loads(result_text(page))
    return parsed


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
    first_user = live_server.demo_users[0]["name"]
    assert first_user in page.locator("#ide-user option:checked").inner_text()


def test_schema_loads_for_docs_and_autocompletion(page, live_server):
    # given
    open_graphiql(page, live_server)
    # when the documentation explorer is opened
    page.click('button[aria-label="Show Documentation Explorer"]')
    # then the schema came through introspection with the demo token
    explorer = page.locator(".graphiql-doc-explorer")
    explorer.get_by_text("query: Query").wait_for(timeout=15_000)
    assert "Deal" in explorer.inner_text()
