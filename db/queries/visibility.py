"""Tenancy and visibility rules as SQL conditions, defined once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import col

from db.models import Activity, CallSummary, Deal, DealRegistration, RegistrationStatus, Visibility

ACTIVE_STATUSES = (RegistrationStatus.SUBMITTED.value, RegistrationStatus.APPROVED.value)


def deal_visible_to(account_id: int) -> ColumnElement[bool]:
    """A deal is visible only to its partner account and its vendor account."""
    return or_(
        col(Deal.partner_account_id) == account_id, col(Deal.vendor_account_id) == account_id
    )


def registration_is_active(now: datetime) -> ColumnElement[bool]:
    """Submitted or approved, and not past its expiry (read-time, no sweep needed)."""
    return and_(
        col(DealRegistration.status).in_(ACTIVE_STATUSES),
        or_(col(DealRegistration.expires_at).is_(None), col(DealRegistration.expires_at) > now),
    )


def active_registration_count(deal_id: Any, now: datetime) -> Any:
    """Correlated scalar subquery: the active registrations of the deal `deal_id`."""
    return (
        select(func.count(col(DealRegistration.id)))
        .where(DealRegistration.deal_id == deal_id, registration_is_active(now))
        .scalar_subquery()
    )


def call_summary_visible_to(is_vendor: bool) -> ColumnElement[bool]:
    """Vendor users see every summary; partner users only shared ones."""
    return (
        col(CallSummary.id).is_not(None) if is_vendor else col(CallSummary.shared_at).is_not(None)
    )


def activity_visible_to(account_id: int) -> ColumnElement[bool]:
    """SHARED activities are seen by both accounts, INTERNAL ones by the actor's account."""
    return or_(
        col(Activity.visibility) == Visibility.SHARED.value, col(Activity.account_id) == account_id
    )
