"""The in-browser IDE (GraphiQL) served at /graphql to browsers in development.

Its assets are served by the app itself (see `STATIC_DIR`): it works offline and
under a strict Content-Security-Policy.
"""

from graph.ide.page import STATIC_DIR, ide_response, static_routes, wants_ide

__all__ = ["STATIC_DIR", "ide_response", "static_routes", "wants_ide"]
