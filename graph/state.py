"""What the app holds for its lifetime: database, broker, schema and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import strawberry

from db.config import Settings
from db.engine import Database
from graph.broker import Broker


@dataclass(slots=True)
class AppState:
    """Process-wide services, created at startup and closed at shutdown."""

    settings: Settings
    database: Database
    broker: Broker
    schema: strawberry.Schema
    # Where GraphiQL finds the demo users' tokens (None: db.demo's default file).
    demo_tokens_path: Path | None = None

    @property
    def graphiql(self) -> bool:
        """GraphiQL is on in development, off in production unless switched on."""
        if self.settings.graphiql is not None:
            return self.settings.graphiql
        return not self.settings.production
