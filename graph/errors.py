"""Business errors as data: the `UserError` type and the wrapper that fills it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Self, TypeVar

import strawberry

from db.errors import BatchError, DomainError
from graph.enums import UserErrorCode


@strawberry.type(description="A business rule refused the change; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path of the offending input, e.g. `["input", "add", "2"]`.'
    )
    message: str = strawberry.field(description="What went wrong, for people.")
    code: UserErrorCode = strawberry.field(description="What went wrong, for programs.")

    @classmethod
    def from_domain(cls, error: DomainError) -> Self:
        return cls(field=error.field, message=error.message, code=error.code)


def user_errors_of(error: DomainError | BatchError) -> list[UserError]:
    """Every rejection carried by a domain error, as `userErrors` entries."""
    errors = error.errors if isinstance(error, BatchError) else [error]
    return [UserError.from_domain(item) for item in errors]


T = TypeVar("T")


async def catch_user_errors(
    operation: Callable[[], Awaitable[T]], on_error: Callable[[list[UserError]], T]
) -> T:
    """Run a change; turn a refusal into a payload carrying `userErrors`."""
    try:
        return await operation()
    except (DomainError, BatchError) as error:
        return on_error(user_errors_of(error))


def prefixed(path: list[Any]) -> list[str]:
    """An input path under the mutation's `input` argument."""
    return ["input", *(str(part) for part in path)]
