"""The one domain error type: a business rule said no."""

from __future__ import annotations

import enum
from collections.abc import Sequence


class ErrorCode(enum.StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    NOT_OWN_ACCOUNT = "NOT_OWN_ACCOUNT"
    USER_INACTIVE = "USER_INACTIVE"
    INVALID = "INVALID"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    DUPLICATE = "DUPLICATE"
    TOO_MANY = "TOO_MANY"


class DomainError(Exception):
    """A rejected change; `field` is the path of the offending input, if any."""

    def __init__(
        self, code: ErrorCode, message: str, field: Sequence[str | int] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = [str(part) for part in field] if field is not None else None


class BatchError(Exception):
    """Several rejections found while checking one batch; nothing was written."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)
