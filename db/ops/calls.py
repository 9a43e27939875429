"""Call summaries: a vendor rep stores one (private to the vendor), then shares it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import (
    Account,
    AccountKind,
    ActivityKind,
    Call,
    CallSummary,
    Deal,
    User,
    utcnow,
)
from db.ops.activity import Recorded, bump_version, lock_deal, record_activity
from db.ops.checks import Checks, Path
from db.ops.deals import lock_visible_deal

MAX_TITLE = 300
MAX_OVERVIEW = 20_000
MAX_DURATION_SECONDS = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class PersonDraft:
    """Someone on or named in a call; `job_title` only for contacts involved."""

    name: str
    email: str | None = None
    job_title: str | None = None


@dataclass(frozen=True, slots=True)
class CallSummaryDraft:
    """A call and its AI summary as the upstream summariser sends them."""

    title: str
    occurred_at: datetime
    duration_seconds: int = 0
    participants: Sequence[PersonDraft] = ()
    overview: str = ""
    key_takeaways: Sequence[str] = ()
    deal_risks: Sequence[str] = ()
    tech_stack: Sequence[str] = ()
    business_challenges_and_goals: Sequence[str] = ()
    contacts_involved: Sequence[PersonDraft] = ()
    next_steps: Sequence[str] = ()


@dataclass(slots=True)
class CallSummaryChange:
    """A call summary after a change, its deal, and what was recorded (nothing if no-op)."""

    summary: CallSummary
    deal: Deal
    recorded: list[Recorded] = field(default_factory=list)


def _vendor_only(account: Account, doing: str) -> None:
    if account.kind != AccountKind.VENDOR:
        raise DomainError(ErrorCode.FORBIDDEN, f"Only vendor users can {doing}.")


async def create_call_summary(
    *,
    session: AsyncSession,
    actor: User,
    actor_account: Account,
    deal_id: int | None,
    draft: CallSummaryDraft,
) -> CallSummaryChange:
    """Store a call and its summary on a deal, private to the vendor until shared.

    The deal's version is not bumped: the partner cannot see the summary yet, so
    its concurrent edits must not be refused over it.
    """
    assert actor.id is not None
    _vendor_only(actor_account, "store call summaries")
    checks = Checks()
    sections = _checked_sections(checks, draft)
    deal = await lock_visible_deal(
        session=session, actor=actor, deal_id=deal_id, field=["input", "dealId"]
    )
    checks.done()
    assert deal.id is not None
    call = Call(
        deal_id=deal.id,
        title=sections.pop("title"),
        occurred_at=draft.occurred_at,
        duration_seconds=draft.duration_seconds,
        participants=sections.pop("participants"),
        created_by_id=actor.id,
    )
    session.add(call)
    await session.flush()
    assert call.id is not None
    summary = CallSummary(call_id=call.id, deal_id=deal.id, created_by_id=actor.id, **sections)
    session.add(summary)
    await session.flush()
    recorded = await record_activity(
        session=session,
        deal=deal,
        kind=ActivityKind.CALL_SUMMARY_CREATED,
        actor=actor,
        account_id=actor.account_id,
        details={"call_id": call.id, "title": call.title},
        call_summary_id=summary.id,
    )
    return CallSummaryChange(summary=summary, deal=deal, recorded=[recorded])


async def share_call_summary(
    *, session: AsyncSession, actor: User, actor_account: Account, call_summary_id: int | None
) -> CallSummaryChange:
    """Share a summary with the partner account; sharing a shared one changes nothing."""
    _vendor_only(actor_account, "share call summaries")
    field = ["input", "callSummaryId"]
    deal = None
    if call_summary_id is not None:
        deal_of = select(CallSummary.deal_id).where(CallSummary.id == call_summary_id)
        deal_id = (await session.exec(deal_of)).first()
        deal = await lock_deal(session=session, deal_id=deal_id) if deal_id else None
    if deal is None or actor.account_id != deal.vendor_account_id:
        raise DomainError(ErrorCode.NOT_FOUND, "No call summary with that id.", field)
    statement = (
        select(CallSummary)
        .where(CallSummary.id == call_summary_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    summary = (await session.exec(statement)).one()
    if summary.shared_at is not None:
        return CallSummaryChange(summary=summary, deal=deal)
    summary.shared_at = utcnow()
    summary.shared_by_id = actor.id
    session.add(summary)
    await bump_version(session=session, deal=deal)
    call = await session.get(Call, summary.call_id)
    assert call is not None
    recorded = await record_activity(
        session=session,
        deal=deal,
        kind=ActivityKind.CALL_SUMMARY_SHARED,
        actor=actor,
        account_id=actor.account_id,
        details={"call_id": call.id, "title": call.title},
        call_summary_id=summary.id,
    )
    return CallSummaryChange(summary=summary, deal=deal, recorded=[recorded])


def _checked_sections(checks: Checks, draft: CallSummaryDraft) -> dict[str, Any]:
    """The draft's call fields and summary sections, cleaned; rejections go to `checks`."""
    if draft.occurred_at.tzinfo is None:
        checks.fail(
            ErrorCode.INVALID, "Give the time with its UTC offset.", ["input", "occurredAt"]
        )
    if not 0 <= draft.duration_seconds <= MAX_DURATION_SECONDS:
        checks.fail(
            ErrorCode.INVALID,
            f"Between 0 and {MAX_DURATION_SECONDS} seconds.",
            ["input", "durationSeconds"],
        )
    return {
        "title": checks.text(draft.title, ["input", "title"], max_length=MAX_TITLE, required=True),
        "participants": _people(checks, draft.participants, ["input", "participants"]),
        "overview": checks.text(draft.overview, ["input", "overview"], max_length=MAX_OVERVIEW),
        "key_takeaways": checks.texts(draft.key_takeaways, ["input", "keyTakeaways"]),
        "deal_risks": checks.texts(draft.deal_risks, ["input", "dealRisks"]),
        "tech_stack": checks.texts(draft.tech_stack, ["input", "techStack"]),
        "business_challenges_and_goals": checks.texts(
            draft.business_challenges_and_goals, ["input", "businessChallengesAndGoals"]
        ),
        "contacts_involved": _people(
            checks, draft.contacts_involved, ["input", "contactsInvolved"], with_job_title=True
        ),
        "next_steps": checks.texts(draft.next_steps, ["input", "nextSteps"]),
    }


def _people(
    checks: Checks, people: Sequence[PersonDraft], path: Path, *, with_job_title: bool = False
) -> list[dict[str, Any]]:
    if not checks.count(people, path):
        return []
    cleaned: list[dict[str, Any]] = []
    for index, person in enumerate(people):
        at = [*path, index]
        entry: dict[str, Any] = {
            "name": checks.text(person.name, [*at, "name"], max_length=200, required=True),
            "email": checks.email(person.email, [*at, "email"]),
        }
        if with_job_title:
            title = checks.text(person.job_title or "", [*at, "jobTitle"], max_length=200)
            entry["job_title"] = title or None
        cleaned.append(entry)
    return cleaned
