"""Relay conventions: global ids, the Node interface, cursors and connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import orjson
import strawberry
from graphql import GraphQLError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

NodeType = TypeVar("NodeType")


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    """The opaque id of a record: base64 of `Type:pk`."""
    return strawberry.ID(base64.b64encode(f"{type_name}:{pk}".encode()).decode())


def from_global_id(global_id: str, expected: str | None = None) -> tuple[str, int] | None:
    """Decode a global id; None for anything malformed or (if given) of another type."""
    if len(global_id) > 200:
        return None
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, raw_pk = decoded.partition(":")
    if not raw_pk.isdigit() or not raw_pk.isascii() or len(raw_pk) > 18:
        return None
    if expected is not None and type_name != expected:
        return None
    return type_name, int(raw_pk)


def pk_of(global_id: str, expected: str) -> int | None:
    """The primary key inside a global id of the expected type, or None."""
    decoded = from_global_id(global_id, expected)
    return decoded[1] if decoded else None


class InvalidCursorError(GraphQLError):
    """A pagination cursor that this server did not hand out."""

    def __init__(self, argument: str) -> None:
        super().__init__(
            f"`{argument}` is not a valid cursor for this list.",
            extensions={"code": "BAD_USER_INPUT", "argument": argument},
        )


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor holding the sort key of a row."""
    return base64.urlsafe_b64encode(orjson.dumps(list(values), default=str)).decode()


def decode_cursor(cursor: str, argument: str) -> list[Any]:
    """The sort key inside a cursor; raises InvalidCursorError for anything else."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, UnicodeEncodeError, binascii.Error):
        raise InvalidCursorError(argument) from None
    if not isinstance(values, list):
        raise InvalidCursorError(argument)
    return values


def check_page_args(first: int | None, last: int | None) -> None:
    """Reject negative or too large page sizes, and asking for both ends at once."""
    if first is not None and last is not None:
        raise GraphQLError(
            "Pass `first` or `last`, not both.", extensions={"code": "BAD_USER_INPUT"}
        )
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise GraphQLError(
                f"`{name}` must be between 0 and {MAX_PAGE_SIZE}.",
                extensions={"code": "BAD_USER_INPUT", "argument": name},
            )


@strawberry.interface(description="An object with a globally unique id (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="The globally unique id of this object.")


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last item.")


@strawberry.type(description="One item of a list, with the cursor to page from it.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(description="Where this item sits, for `after`/`before`.")
    node: NodeType = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]] = strawberry.field(description="The items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page sits in the list.")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds (all pages).")
    async def total_count(self) -> int:
        return await self._count()

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[NodeType]:
        return [edge.node for edge in self.edges]


def _constant(value: int) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        return value

    return count


def paginate_list(
    items: Sequence[Any],
    *,
    key: Callable[[Any], int],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    wrap: Callable[[Any], NodeType],
) -> Connection[NodeType]:
    """A connection over an already loaded, ordered list, with id-keyed cursors."""
    check_page_args(first, last)
    after_key = _single_int(decode_cursor(after, "after"), "after") if after else None
    before_key = _single_int(decode_cursor(before, "before"), "before") if before else None
    keys = [key(item) for item in items]
    start = keys.index(after_key) + 1 if after_key in keys else 0
    end = keys.index(before_key) if before_key in keys else len(items)
    window = list(range(start, max(start, end)))
    if first is not None:
        has_next = len(window) > first or end < len(items)
        window = window[:first]
        has_previous = start > 0
    elif last is not None:
        has_previous = len(window) > last or start > 0
        window = window[len(window) - last :] if last else []
        has_next = end < len(items)
    else:
        window = window[:DEFAULT_PAGE_SIZE] if len(window) > DEFAULT_PAGE_SIZE else window
        has_next = (window[-1] + 1 if window else start) < end or end < len(items)
        has_previous = start > 0
    edges = [Edge(cursor=encode_cursor([keys[i]]), node=wrap(items[i])) for i in window]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=_constant(len(items)),
    )


def _single_int(values: list[Any], argument: str) -> int:
    if len(values) != 1 or not isinstance(values[0], int):
        raise InvalidCursorError(argument)
    return int(values[0])
