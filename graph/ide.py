"""The in-browser IDE (GraphiQL) served at /graphql to browsers in development."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.http.ides import get_graphql_ide_html


def wants_ide(request: Request) -> bool:
    """A browser asking for the page rather than a GraphQL result."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


def ide_response(request: Request) -> Response:
    """The GraphiQL page."""
    return HTMLResponse(get_graphql_ide_html())
