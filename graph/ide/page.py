"""The GraphiQL page: local assets, a demo-user picker, examples as tabs, a strict CSP."""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from db.demo import DEMO_TOKENS_PATH, live_demo_tokens
from graph.ide.examples import load_examples, tab_variables, variables_for
from graph.state import AppState

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "static"  # relative to /graphql, so the page also works under a path prefix

# No inline or third-party script, no eval, nothing fetched from elsewhere. Styles allow
# 'unsafe-inline' only because GraphiQL's dialogs add <style> elements at run time.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
SCRIPTS = (
    "vendor/react.production.min.js",
    "vendor/react-dom.production.min.js",
    "vendor/graphql-ws.min.js",
    "vendor/graphiql.min.js",
    "ide.js",
)
STYLES = ("vendor/graphiql.min.css", "ide.css")


def static_routes(*, enabled: bool) -> list[BaseRoute]:
    """GraphiQL's own assets at /static (only while the page is on), compressed on the way."""
    if not enabled:
        return []
    return [Mount("/static", GZipMiddleware(StaticFiles(directory=STATIC_DIR)), name="static")]


def wants_ide(request: Request) -> bool:
    """A browser asking for the page rather than a GraphQL result."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


def ide_response(request: Request) -> Response:
    """The GraphiQL page (built asynchronously: it looks up the demo users and their data)."""
    return _IdePage(request)


PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class _IdePage(Response):
    """A response whose HTML is rendered when it is sent, so it may await the database."""

    media_type = "text/html"

    def __init__(self, request: Request) -> None:
        super().__init__(headers=PAGE_HEADERS)
        self._request = request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = HTMLResponse(await render(self._request), headers=PAGE_HEADERS)
        await page(scope, receive, send)


def demo_tokens_path(state: AppState) -> Path:
    """Where `make run`/`db.cli seed` saved the demo users' tokens."""
    return state.demo_tokens_path or DEMO_TOKENS_PATH


async def demo_users(state: AppState) -> list[dict[str, str]]:
    """Demo users whose saved token is live in this database; none in production."""
    if state.settings.production:
        return []
    return await live_demo_tokens(database=state.database, tokens_path=demo_tokens_path(state))


async def render(request: Request) -> str:
    """The page's HTML for the demo user asked for with `?as=<email>` (default: the first)."""
    state: AppState = request.app.state.graph
    users = await demo_users(state)
    wanted = request.query_params.get("as")
    user = next((u for u in users if u["email"] == wanted), users[0] if users else None)
    authorization = f"Bearer {user['token']}" if user else "Bearer <your API token>"
    # Other users' examples act on a deal of the first user's team, whose page then
    # shows the notification (see the README's tour).
    values = await variables_for(state, authorization, users[0]["email"]) if user else {}
    examples = load_examples()
    headers = json.dumps({"Authorization": authorization}, indent=2)
    tabs = [
        {
            "query": example.query,
            "variables": _variables_text(tab_variables(example, values)),
            "headers": headers,
        }
        for example in examples
    ]
    config: dict[str, Any] = {
        "authorization": authorization if user else None,
        "headers": headers,
        "tabs": tabs,
        # A new namespace for saved tabs whenever the token or the examples change, so a
        # re-seeded database or an updated example never leaves stale tabs behind.
        "storageNamespace": "sdx:"
        + hashlib.sha256((authorization + "".join(e.query for e in examples)).encode()).hexdigest()[
            :16
        ],
        "persistHeaders": user is not None,
    }
    return _html(config, users, user)


def _variables_text(variables: dict[str, Any]) -> str:
    return json.dumps(variables, indent=2) if variables else ""


def _script_json(value: Any) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _picker(users: list[dict[str, str]], user: dict[str, str] | None) -> str:
    if user is None:
        return (
            '<span class="ide-hint">No demo users: put your token in the Headers pane '
            "(<code>python -m db.cli token create --help</code>).</span>"
        )
    options = "".join(
        '<option value="{value}"{selected}>{label}</option>'.format(
            value=html.escape(u["email"]),
            selected=" selected" if u is user else "",
            label=html.escape(
                f"{u['name']} — {u['account']} ({u['accountKind'].lower()} {u['role'].lower()})"
            ),
        )
        for u in users
    )
    return (
        '<label for="ide-user">Acting as</label> '
        f'<select id="ide-user" name="as">{options}</select> '
        '<span class="ide-hint">demo token in the Headers pane, an example operation in each tab '
        "(<code>examples/</code>)</span>"
    )


def _html(config: dict[str, Any], users: list[dict[str, str]], user: dict[str, str] | None) -> str:
    styles = "".join(f'<link rel="stylesheet" href="{STATIC_URL}/{s}">' for s in STYLES)
    scripts = "".join(f'<script src="{STATIC_URL}/{s}" defer></script>' for s in SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shared deals API — GraphiQL</title>
<link rel="icon" href="data:,">
{styles}
<script id="ide-config" type="application/json">{_script_json(config)}</script>
{scripts}
</head>
<body>
<header class="ide-bar"><strong>Shared deals API</strong> {_picker(users, user)}</header>
<main id="graphiql"><p class="ide-loading">Loading GraphiQL…</p></main>
<noscript>GraphiQL needs JavaScript. The API itself is at this URL: POST JSON to it.</noscript>
</body>
</html>
"""
