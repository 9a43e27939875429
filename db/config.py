"""Settings read from the environment (12-factor), with development defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    """Process-wide configuration; every field maps to an upper-case env var."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    app_env: str = "development"
    database_url: str = f"sqlite+aiosqlite:///{DATA_DIR / 'shared-deals.db'}"
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    registration_expiry_days: int = 90
    graphiql: bool | None = None
    introspection: bool | None = None
    log_level: str = "INFO"
    # Limits checked before execution (see docs/hardening.md).
    max_body_bytes: int = 1_048_576
    max_query_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_query_cost: int = 1_000
    max_list_input: int = 100
    document_cache_size: int = 1_000
    execution_timeout_seconds: float = 30.0
    # Cost-based rate limit per token (leaky bucket, Shopify style).
    rate_limit_enabled: bool = True
    rate_limit_maximum: float = 1_000.0
    rate_limit_restore_rate: float = 50.0
    rate_limit_key_prefix: str = "ratelimit"

    @property
    def production(self) -> bool:
        """True when running with production safeguards."""
        return self.app_env.lower() == "production"

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is on in development, off in production unless switched on."""
        return self.graphiql if self.graphiql is not None else not self.production

    @property
    def introspection_enabled(self) -> bool:
        """Introspection is on in development, off in production unless switched on."""
        return self.introspection if self.introspection is not None else not self.production


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()


def normalize_database_url(url: str) -> str:
    """Pick the async driver for plain `postgresql://` and `sqlite://` URLs."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url
