"""Driving GraphiQL's page from Playwright: open it, run a tab, read its editors."""

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


# The editor tools hold the variables editor, then the headers editor.
HEADERS_TEXT = (
    "() => document.querySelectorAll('.graphiql-editor-tool .CodeMirror')[1].CodeMirror.getValue()"
)
