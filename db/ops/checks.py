"""Input checks shared by the operations: collect every rejection, then refuse once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from db.errors import BatchError, DomainError, ErrorCode

# At most this many items in any list input (ids, sections, contacts).
MAX_ITEMS = 100

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

Path = Sequence[str | int]


class Checks:
    """Collects the rejections of one input so the caller reports them all at once."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def fail(self, code: ErrorCode, message: str, field: Path) -> None:
        """Record one rejection."""
        self.errors.append(DomainError(code, message, field))

    def text(self, value: str, field: Path, *, max_length: int, required: bool = False) -> str:
        """The value without surrounding whitespace; rejects empty (if required) or too long."""
        cleaned = value.strip()
        if required and not cleaned:
            self.fail(ErrorCode.INVALID, "Must not be empty.", field)
        elif len(cleaned) > max_length:
            self.fail(ErrorCode.INVALID, f"At most {max_length} characters.", field)
        return cleaned

    def email(self, value: str | None, field: Path, *, required: bool = False) -> str | None:
        """A plausible email address, lower-cased domain; None or '' allowed unless required."""
        cleaned = self.text(value or "", field, max_length=320, required=required)
        if cleaned and len(cleaned) <= 320 and not _EMAIL.match(cleaned):
            self.fail(ErrorCode.INVALID, "Not a valid email address.", field)
        return cleaned or None

    def domain(self, value: str, field: Path) -> str:
        """A web domain such as `example.com` (lower-cased), or ''."""
        cleaned = value.strip().lower()
        if cleaned and not _DOMAIN.match(cleaned):
            self.fail(ErrorCode.INVALID, "Not a valid domain name, e.g. `example.com`.", field)
        return cleaned

    def count(self, values: Sequence[Any], field: Path, *, limit: int = MAX_ITEMS) -> bool:
        """Whether the list is within the limit; records TOO_MANY otherwise."""
        if len(values) > limit:
            self.fail(ErrorCode.TOO_MANY, f"At most {limit} items.", field)
            return False
        return True

    def texts(self, values: Sequence[str], field: Path, *, max_length: int = 2000) -> list[str]:
        """A list of non-empty strings, each bounded, the list at most MAX_ITEMS long."""
        if not self.count(values, field):
            return []
        return [
            self.text(value, [*field, index], max_length=max_length, required=True)
            for index, value in enumerate(values)
        ]

    def done(self) -> None:
        """Refuse the whole input when anything was rejected."""
        if self.errors:
            raise BatchError(self.errors)
