"""Helpers shared by the per-request loaders: key-ordered results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from aiodataloader import DataLoader

from db.engine import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def one_per_key(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], Any]) -> list[V | None]:
    """Rows in the order of `keys`, None where a key found nothing."""
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def many_per_key(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[list[V]]:
    """Rows grouped by key, in the order of `keys` (rows keep their query order)."""
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


class ScopedLoader(DataLoader[Any, Any]):
    """A DataLoader bound to the database and the viewer's account for one request."""

    def __init__(self, database: Database, account_id: int, is_vendor: bool) -> None:
        super().__init__()
        self.database = database
        self.account_id = account_id
        self.is_vendor = is_vendor
