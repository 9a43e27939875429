"""Demo deal registrations in every status, with the history that led there."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from db.demo_world import DealDraft, Event, Timeline, pk
from db.models import ActivityKind, DealRegistration, RegistrationStatus, User

# What happens to a registration: a status, or APPROVED that lapsed (expired by time only).
LAPSED = "LAPSED"
PARTNER, VENDOR = "partner", "vendor"

# Deal number i gets plan i % len: every status appears, some by vendor reps.
REGISTRATION_PLANS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("SUBMITTED", PARTNER),),
    (("APPROVED", PARTNER),),
    ((LAPSED, PARTNER),),
    (("EXPIRED", PARTNER),),
    (("REJECTED", PARTNER), ("SUBMITTED", PARTNER)),
    (("WITHDRAWN", PARTNER),),
    (),
    (("SUBMITTED", VENDOR),),
    (("APPROVED", VENDOR),),
    (("APPROVED", PARTNER), ("SUBMITTED", VENDOR)),
    (("REJECTED", VENDOR),),
)

REJECTION_REASONS = (
    "The customer is already registered by another partner.",
    "Duplicate of an open direct-sales opportunity.",
    "Decision maker and budget are not identified yet.",
)

STATUS_AFTER = {
    ActivityKind.REGISTRATION_SUBMITTED: RegistrationStatus.SUBMITTED,
    ActivityKind.REGISTRATION_APPROVED: RegistrationStatus.APPROVED,
    ActivityKind.REGISTRATION_REJECTED: RegistrationStatus.REJECTED,
    ActivityKind.REGISTRATION_EXPIRED: RegistrationStatus.EXPIRED,
    ActivityKind.REGISTRATION_WITHDRAWN: RegistrationStatus.WITHDRAWN,
}
DECISION_KINDS = {
    RegistrationStatus.APPROVED: ActivityKind.REGISTRATION_APPROVED,
    RegistrationStatus.REJECTED: ActivityKind.REGISTRATION_REJECTED,
}


def plan_age_days(plan: tuple[tuple[str, str], ...], rng: random.Random, expiry_days: int) -> int:
    """How many days ago a deal with this plan was created, so its approvals fall right."""
    outcomes = {outcome for outcome, _side in plan}
    if outcomes & {LAPSED, "EXPIRED"}:
        return rng.randint(expiry_days + 30, expiry_days + 120)
    if "APPROVED" in outcomes:
        return rng.randint(8, 60)
    return rng.randint(3, 150)


def _submitter(draft: DealDraft, side: str, rng: random.Random) -> User:
    account = draft.partner if side == PARTNER else draft.vendor
    if draft.creator.account_id == account.id:
        return draft.creator
    return rng.choice(draft.team.get(account.id) or account.active_users)


async def add_registrations(
    *, session: AsyncSession, draft: DealDraft, plan: tuple[tuple[str, str], ...], line: Timeline
) -> None:
    """Insert a deal's registrations in their final state and plan their history."""
    rng, deal = line.rng, draft.deal
    for number, (outcome, side) in enumerate(plan):
        submitter = _submitter(draft, side, rng)
        submitted = line.after(
            deal.created_at, min_hours=6 + 150 * number, max_hours=30 + 150 * number
        )
        registration = DealRegistration(
            deal_id=draft.deal_id, account_id=submitter.account_id, submitted_by_id=pk(submitter),
            submitted_at=submitted, status=RegistrationStatus.SUBMITTED,
        )  # fmt: skip
        history: list[tuple[datetime, ActivityKind, User | None]] = [
            (submitted, ActivityKind.REGISTRATION_SUBMITTED, submitter)
        ]
        if outcome in {"APPROVED", LAPSED, "EXPIRED", "REJECTED"}:
            decider = rng.choice([u for u in draft.vendor.active_users if u is not submitter])
            decided = line.after(submitted, min_hours=4, max_hours=96)
            registration.decided_by_id, registration.decided_at = decider.id, decided
            status = (
                RegistrationStatus.REJECTED
                if outcome == "REJECTED"
                else RegistrationStatus.APPROVED
            )
            registration.status = status
            history.append((decided, DECISION_KINDS[status], decider))
            if status is RegistrationStatus.APPROVED:
                registration.expires_at = decided + timedelta(days=line.expiry_days)
            else:
                registration.rejection_reason = rng.choice(REJECTION_REASONS)
        if outcome == "EXPIRED":
            assert registration.expires_at is not None
            registration.status = RegistrationStatus.EXPIRED
            history.append((registration.expires_at, ActivityKind.REGISTRATION_EXPIRED, None))
        if outcome == "WITHDRAWN":
            registration.status = RegistrationStatus.WITHDRAWN
            registration.withdrawn_at = line.after(submitted, min_hours=24, max_hours=120)
            history.append(
                (registration.withdrawn_at, ActivityKind.REGISTRATION_WITHDRAWN, submitter)
            )
        session.add(registration)
        await session.flush()
        for at, kind, actor in history:
            details = {"registration_id": registration.id, "status": STATUS_AFTER[kind],
                       "submitted_by": submitter.name}  # fmt: skip
            if kind is ActivityKind.REGISTRATION_REJECTED:
                details["rejection_reason"] = registration.rejection_reason
            account_id = actor.account_id if actor else registration.account_id
            line.events.append(Event(at, deal, kind, actor, account_id, details))
