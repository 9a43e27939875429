"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from db.config import Settings
from db.engine import Database
from db.models import Account, AccountKind, User
from graph.loaders import Loaders

if TYPE_CHECKING:
    from graph.broker import Broker


@dataclass(slots=True)
class Viewer:
    """The authenticated user making the request, with their account."""

    user: User
    account: Account
    token_id: int

    @property
    def user_id(self) -> int:
        """The viewer's user id."""
        assert self.user.id is not None
        return self.user.id

    @property
    def account_id(self) -> int:
        """The viewer's account id."""
        assert self.account.id is not None
        return self.account.id

    @property
    def is_vendor(self) -> bool:
        """Whether the viewer works for the vendor."""
        return self.account.kind == AccountKind.VENDOR


@dataclass(slots=True)
class Context:
    """Everything a resolver may use; loaders are fresh per request."""

    database: Database
    settings: Settings
    broker: Broker
    viewer: Viewer
    loaders: Loaders = field(init=False)
    request: Any = None

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.database, self.viewer.account_id, self.viewer.is_vendor)

    def reset_loaders(self) -> None:
        """Forget cached rows after a write so later fields read fresh data."""
        if self.loaders.used:  # a subscription resets before every event; most use none
            self.loaders = Loaders(self.database, self.viewer.account_id, self.viewer.is_vendor)


Info = StrawberryInfo[Context, None]
