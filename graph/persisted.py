"""Automatic persisted queries (the Apollo APQ protocol).

A single-page app sends only `extensions.persistedQuery.sha256Hash` (often over
GET, so responses can be cached by the URL). When this process has not seen the
hash, it answers `PersistedQueryNotFound`; the client then sends the query with
the hash once, the server checks that the hash is the query's SHA-256 and keeps
it, and later requests carry only the hash again. Each process keeps its own
bounded store: another worker answers `PersistedQueryNotFound` once and learns
the query from the client's retry.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from graph.transport import HTTPProblem

NOT_FOUND = "PersistedQueryNotFound"
DEFAULT_SIZE = 1_000
MAX_QUERY_LENGTH = 100_000


def sha256_of(query: str) -> str:
    """The hex SHA-256 of a query string, as clients compute it."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


class PersistedQueries:
    """Query strings by their SHA-256, most recently used kept (LRU)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._queries: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._queries)

    def expand(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The request parameters with the query filled in from (or saved to) the store.

        Raises HTTPProblem (200, as Apollo clients expect) when the hash is unknown,
        and 400 when the hash does not match the query or the version is unsupported.
        """
        extensions = raw.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is None:
            return raw
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise HTTPProblem(
                400, "PERSISTED_QUERY_VERSION_UNSUPPORTED", "Unsupported persisted query version."
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise HTTPProblem(
                400, "BAD_REQUEST", "`persistedQuery.sha256Hash` must be a SHA-256 hex digest."
            )
        digest = digest.lower()
        query = raw.get("query")
        if isinstance(query, str):
            if sha256_of(query) != digest:
                raise HTTPProblem(
                    400, "PERSISTED_QUERY_HASH_MISMATCH", "Provided sha does not match query."
                )
            self._remember(digest, query)
            return raw
        known = self._queries.get(digest)
        if known is None:
            raise HTTPProblem(200, "PERSISTED_QUERY_NOT_FOUND", NOT_FOUND)
        self._queries.move_to_end(digest)
        return {**raw, "query": known}

    def _remember(self, digest: str, query: str) -> None:
        if len(query) > MAX_QUERY_LENGTH or self.size <= 0:
            return
        self._queries[digest] = query
        self._queries.move_to_end(digest)
        if len(self._queries) > self.size:
            self._queries.popitem(last=False)
