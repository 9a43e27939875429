"""Every table of the system of record, importable from one place."""

from db.models.accounts import Account, AccountSettings, ApiToken, User
from db.models.activity import Activity, Call, CallSummary, Notification
from db.models.base import (
    AccountKind,
    ActivityKind,
    RegistrationStatus,
    UserRole,
    UTCDateTime,
    Visibility,
    utcnow,
)
from db.models.catalogue import Pipeline, PipelineStage, Product
from db.models.deals import (
    Deal,
    DealPlacement,
    DealProduct,
    DealRegistration,
    DealTeamMember,
    DealView,
    IdempotencyKey,
)

__all__ = [
    "Account",
    "AccountKind",
    "AccountSettings",
    "Activity",
    "ActivityKind",
    "ApiToken",
    "Call",
    "CallSummary",
    "Deal",
    "DealPlacement",
    "DealProduct",
    "DealRegistration",
    "DealTeamMember",
    "DealView",
    "IdempotencyKey",
    "Notification",
    "Pipeline",
    "PipelineStage",
    "Product",
    "RegistrationStatus",
    "UTCDateTime",
    "User",
    "UserRole",
    "Visibility",
    "utcnow",
]
