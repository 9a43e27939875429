"""Read-side queries shared by loaders and list resolvers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

IN_CHUNK = 1000
"""Ids bound in one IN list (well under either database's parameter limit)."""


def in_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The distinct ids, sorted, in lists of at most `IN_CHUNK` (one query each)."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), IN_CHUNK):
        yield wanted[start : start + IN_CHUNK]
