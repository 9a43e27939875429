"""Deal registrations: submit, review (approve or reject), withdraw, and the expiry sweep.

Every allowed change of status is one entry of `TRANSITIONS`; anything else is
ILLEGAL_TRANSITION. An APPROVED registration past its expiry counts as EXPIRED.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import (
    Account,
    AccountKind,
    ActivityKind,
    Deal,
    DealRegistration,
    RegistrationStatus,
    User,
    utcnow,
)
from db.ops.activity import Recorded, bump_version, lock_deal, record_activity
from db.ops.deals import lock_visible_deal
from db.queries.visibility import registration_is_active

Status = RegistrationStatus


class RegistrationAction(enum.StrEnum):
    """What a user does to an existing registration."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"
    WITHDRAW = "WITHDRAW"


# The one table of allowed changes: (status now, action) -> status after.
TRANSITIONS: dict[tuple[RegistrationStatus, RegistrationAction], RegistrationStatus] = {
    (Status.SUBMITTED, RegistrationAction.APPROVE): Status.APPROVED,
    (Status.SUBMITTED, RegistrationAction.REJECT): Status.REJECTED,
    (Status.SUBMITTED, RegistrationAction.WITHDRAW): Status.WITHDRAWN,
    (Status.APPROVED, RegistrationAction.WITHDRAW): Status.WITHDRAWN,
}

ACTIVITY_OF_STATUS = {
    Status.SUBMITTED: ActivityKind.REGISTRATION_SUBMITTED,
    Status.APPROVED: ActivityKind.REGISTRATION_APPROVED,
    Status.REJECTED: ActivityKind.REGISTRATION_REJECTED,
    Status.WITHDRAWN: ActivityKind.REGISTRATION_WITHDRAWN,
    Status.EXPIRED: ActivityKind.REGISTRATION_EXPIRED,
}

MAX_REASON = 2000
REGISTRATION_ID = ("input", "registrationId")


@dataclass(slots=True)
class RegistrationChange:
    """A registration after a change, its deal, and the activity recorded."""

    registration: DealRegistration
    deal: Deal
    recorded: list[Recorded] = field(default_factory=list)


def effective_status(registration: DealRegistration, now: datetime) -> RegistrationStatus:
    """The stored status, except that an approval past its expiry is EXPIRED."""
    status = RegistrationStatus(registration.status)
    expires_at = registration.expires_at
    if status is Status.APPROVED and expires_at is not None and expires_at <= now:
        return Status.EXPIRED
    return status


def next_status(
    current: RegistrationStatus, action: RegistrationAction, field: tuple[str, ...]
) -> RegistrationStatus:
    """The status `action` leads to from `current`; ILLEGAL_TRANSITION when it is not allowed."""
    after = TRANSITIONS.get((current, action))
    if after is None:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"A {current.value} registration cannot be {_past(action)}.",
            field,
        )
    return after


async def submit_registration(
    *, session: AsyncSession, actor: User, deal_id: int | None
) -> RegistrationChange:
    """Register a visible deal for the actor's account; DUPLICATE while one is still live."""
    assert actor.id is not None
    deal = await lock_visible_deal(
        session=session, actor=actor, deal_id=deal_id, field=["input", "dealId"]
    )
    live = select(DealRegistration.id).where(
        col(DealRegistration.deal_id) == deal.id,
        col(DealRegistration.account_id) == actor.account_id,
        registration_is_active(utcnow()),
    )
    if (await session.exec(live)).first() is not None:
        raise DomainError(
            ErrorCode.DUPLICATE,
            "Your account already has a submitted or approved registration of this deal.",
            ["input", "dealId"],
        )
    assert deal.id is not None
    registration = DealRegistration(
        deal_id=deal.id, account_id=actor.account_id, submitted_by_id=actor.id
    )
    session.add(registration)
    await session.flush()
    return await _recorded(session, deal, registration, actor, before=None)


async def review_registration(
    *,
    session: AsyncSession,
    actor: User,
    actor_account: Account,
    registration_id: int | None,
    decision: RegistrationAction,
    reason: str | None,
    expiry_days: int,
) -> RegistrationChange:
    """A vendor user approves (setting the expiry) or rejects (with a reason) a registration."""
    if actor_account.kind != AccountKind.VENDOR:
        raise DomainError(ErrorCode.FORBIDDEN, "Only vendor users can review registrations.")
    if decision not in (RegistrationAction.APPROVE, RegistrationAction.REJECT):
        raise DomainError(ErrorCode.INVALID, "Decide APPROVE or REJECT.", ["input", "decision"])
    registration, deal = await _locked_registration(session, actor, registration_id)
    now = utcnow()
    before = effective_status(registration, now)
    after = next_status(before, decision, ("input", "decision"))
    cleaned = (reason or "").strip()
    if after is Status.REJECTED and not cleaned:
        raise DomainError(ErrorCode.INVALID, "Say why it is rejected.", ["input", "reason"])
    if len(cleaned) > MAX_REASON:
        raise DomainError(
            ErrorCode.INVALID, f"At most {MAX_REASON} characters.", ["input", "reason"]
        )
    registration.status = after
    registration.decided_by_id = actor.id
    registration.decided_at = now
    if after is Status.APPROVED:
        registration.expires_at = now + timedelta(days=expiry_days)
    else:
        registration.rejection_reason = cleaned
    session.add(registration)
    return await _recorded(session, deal, registration, actor, before=before)


async def withdraw_registration(
    *, session: AsyncSession, actor: User, registration_id: int | None
) -> RegistrationChange:
    """A user of the submitting account withdraws a submitted or approved registration."""
    registration, deal = await _locked_registration(session, actor, registration_id)
    if registration.account_id != actor.account_id:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only users of the account that submitted a registration can withdraw it.",
            REGISTRATION_ID,
        )
    now = utcnow()
    before = effective_status(registration, now)
    registration.status = next_status(before, RegistrationAction.WITHDRAW, REGISTRATION_ID)
    registration.withdrawn_at = now
    session.add(registration)
    return await _recorded(session, deal, registration, actor, before=before)


async def expire_lapsed_registrations(
    *, session: AsyncSession, now: datetime | None = None
) -> list[Recorded]:
    """Store EXPIRED on approvals past their expiry, each with a REGISTRATION_EXPIRED activity.

    Reads never need this (an approval past expiry already counts as expired);
    it records the lapse in the deal's history and notifies the team.
    """
    now = now or utcnow()
    lapsed = select(DealRegistration.deal_id).where(
        col(DealRegistration.status) == Status.APPROVED,
        col(DealRegistration.expires_at) <= now,
    )
    recorded: list[Recorded] = []
    for deal_id in sorted(set((await session.exec(lapsed)).all())):
        deal = await lock_deal(session=session, deal_id=deal_id)
        assert deal is not None
        rows = await session.exec(
            select(DealRegistration)
            .where(
                col(DealRegistration.deal_id) == deal_id,
                col(DealRegistration.status) == Status.APPROVED,
                col(DealRegistration.expires_at) <= now,
            )
            .order_by(col(DealRegistration.id))
            .with_for_update(key_share=True)
        )
        for registration in rows.all():
            registration.status = Status.EXPIRED
            session.add(registration)
            change = await _recorded(session, deal, registration, None, before=Status.APPROVED)
            recorded.extend(change.recorded)
    return recorded


def registration_details(
    registration: DealRegistration, *, before: RegistrationStatus | None
) -> dict[str, Any]:
    """An activity's details for a registration's change of status: before and after."""
    after = RegistrationStatus(registration.status)
    details: dict[str, Any] = {
        "registration_id": registration.id,
        "account_id": registration.account_id,
        "before": before.value if before else None,
        "after": after.value,
        "status": after.value,
    }
    if after is Status.REJECTED:
        details["rejection_reason"] = registration.rejection_reason
    if after is Status.APPROVED and registration.expires_at is not None:
        details["expires_at"] = registration.expires_at.isoformat()
    return details


async def _locked_registration(
    session: AsyncSession, actor: User, registration_id: int | None
) -> tuple[DealRegistration, Deal]:
    """The registration and its deal, the deal locked; NOT_FOUND unless the deal is visible."""
    deal = None
    if registration_id is not None:
        deal_of = select(DealRegistration.deal_id).where(DealRegistration.id == registration_id)
        deal_id = (await session.exec(deal_of)).first()
        deal = await lock_deal(session=session, deal_id=deal_id) if deal_id else None
    if deal is None or actor.account_id not in (deal.partner_account_id, deal.vendor_account_id):
        raise DomainError(ErrorCode.NOT_FOUND, "No registration with that id.", REGISTRATION_ID)
    statement = (
        select(DealRegistration)
        .where(DealRegistration.id == registration_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).one(), deal


async def _recorded(
    session: AsyncSession,
    deal: Deal,
    registration: DealRegistration,
    actor: User | None,
    *,
    before: RegistrationStatus | None,
) -> RegistrationChange:
    """Bump the deal's version and record the registration's new status as an activity."""
    await bump_version(session=session, deal=deal)
    await session.flush()
    after = RegistrationStatus(registration.status)
    details = registration_details(registration, before=before)
    recorded = await record_activity(
        session=session,
        deal=deal,
        kind=ACTIVITY_OF_STATUS[after],
        actor=actor,
        account_id=actor.account_id if actor else registration.account_id,
        details=details,
    )
    return RegistrationChange(registration=registration, deal=deal, recorded=[recorded])


def _past(action: RegistrationAction) -> str:
    return {"APPROVE": "approved", "REJECT": "rejected", "WITHDRAW": "withdrawn"}[action.value]
