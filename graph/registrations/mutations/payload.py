"""What every registration mutation's payload holds after an accepted change."""

from __future__ import annotations

from typing import Any

from db.models import utcnow
from db.ops.registrations import RegistrationChange
from graph.deals.types import Deal, DealRegistration


def changed_fields(change: RegistrationChange) -> dict[str, Any]:
    """The payload fields of an accepted registration change: the registration and its deal."""
    return {
        "registration": DealRegistration.from_row(change.registration, now=utcnow()),
        "deal": Deal.from_row(change.deal),
        "user_errors": [],
    }
