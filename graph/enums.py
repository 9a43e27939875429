"""GraphQL enums: the database's own enums, registered with the schema so values cannot drift."""

from __future__ import annotations

import strawberry

from db.errors import ErrorCode
from db.models import AccountKind, ActivityKind, RegistrationStatus, UserRole, Visibility
from db.queries.deals import DealSortField

strawberry.enum(AccountKind, description="Whether an account is the vendor or a partner.")
strawberry.enum(UserRole, description="A user's role in their account.")
strawberry.enum(RegistrationStatus, description="Where a deal registration stands.")
strawberry.enum(
    Visibility, description="SHARED: both accounts see it; INTERNAL: only the actor's account."
)
strawberry.enum(ActivityKind, description="What kind of change an activity records.")
strawberry.enum(DealSortField, name="DealOrderField", description="What deals can be sorted by.")
strawberry.enum(ErrorCode, name="UserErrorCode", description="Why a change was refused.")

DealOrderField = DealSortField
UserErrorCode = ErrorCode

__all__ = [
    "AccountKind",
    "ActivityKind",
    "DealOrderField",
    "RegistrationStatus",
    "UserErrorCode",
    "UserRole",
    "Visibility",
]
