"""Demo calls with AI summaries: every section filled, some shared with the partner."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from db.demo_data import (
    CALL_TITLES,
    CHALLENGES_AND_GOALS,
    DEAL_RISKS,
    FIRST_NAMES,
    JOB_TITLES,
    KEY_TAKEAWAYS,
    LAST_NAMES,
    NEXT_STEPS,
    OVERVIEWS,
    TECH_STACK,
)
from db.demo_world import DealDraft, Event, Timeline, pk
from db.models import ActivityKind, Call, CallSummary, User


class Prospect(Protocol):
    """Who a call is with: a deal's customer company and contact."""

    company_name: str
    company_domain: str
    contact_name: str
    contact_email: str


def _contacts(deal: Prospect, rng: random.Random) -> list[dict[str, Any]]:
    """The deal's contact and one or two colleagues (some without a known e-mail)."""
    people: list[dict[str, Any]] = [
        {"name": deal.contact_name, "job_title": rng.choice(JOB_TITLES),
         "email": deal.contact_email}
    ]  # fmt: skip
    for _ in range(rng.randint(1, 2)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}@{deal.company_domain}"
        people.append(
            {"name": f"{first} {last}", "job_title": rng.choice(JOB_TITLES),
             "email": email if rng.random() < 0.7 else None}
        )  # fmt: skip
    return people


def summary_sections(deal: Prospect, product: str, rng: random.Random) -> dict[str, Any]:
    """The seven sections of a realistic call summary for a deal."""
    return {
        "overview": rng.choice(OVERVIEWS).format(
            company=deal.company_name, contact=deal.contact_name, product=product
        ),
        "key_takeaways": rng.sample(KEY_TAKEAWAYS, k=3),
        "deal_risks": rng.sample(DEAL_RISKS, k=2),
        "tech_stack": rng.sample(TECH_STACK, k=4),
        "business_challenges_and_goals": rng.sample(CHALLENGES_AND_GOALS, k=2),
        "next_steps": rng.sample(NEXT_STEPS, k=3),
        "contacts_involved": _contacts(deal, rng),
    }


async def add_calls(*, session: AsyncSession, draft: DealDraft, line: Timeline) -> None:
    """Give some deals one or two vendor calls with summaries; share about half of them."""
    rng, deal = line.rng, draft.deal
    if rng.random() > 0.5:
        return
    reps: list[User] = draft.team.get(draft.vendor.id) or draft.vendor.active_users
    occurred = deal.created_at
    for _ in range(rng.randint(1, 2)):
        rep = rng.choice(reps)
        occurred = line.after(occurred, min_hours=48, max_hours=400)
        call = Call(
            deal_id=draft.deal_id,
            title=f"{rng.choice(CALL_TITLES)} with {deal.company_name}",
            occurred_at=occurred,
            duration_seconds=rng.randint(15, 60) * 60,
            participants=[
                {"name": rep.name, "email": rep.email},
                {"name": deal.contact_name, "email": deal.contact_email},
            ],
            created_by_id=pk(rep),
            created_at=occurred,
        )
        session.add(call)
        await session.flush()
        summarised = line.clamp(occurred + timedelta(minutes=call.duration_seconds // 60 + 5))
        summary = CallSummary(
            call_id=pk(call), deal_id=draft.deal_id, created_by_id=pk(rep), created_at=summarised,
            **summary_sections(deal, draft.products[0].name, rng),
        )  # fmt: skip
        shared = rng.random() < 0.55
        if shared:
            sharer = rng.choice(reps)
            summary.shared_at = line.after(summarised, min_hours=1, max_hours=48)
            summary.shared_by_id = sharer.id
        session.add(summary)
        await session.flush()
        details = {"title": call.title, "call_id": call.id}
        line.events.append(
            Event(summarised, deal, ActivityKind.CALL_SUMMARY_CREATED, rep, draft.vendor.id,
                  details, call_summary_id=summary.id)
        )  # fmt: skip
        if shared:
            assert summary.shared_at is not None
            line.events.append(
                Event(summary.shared_at, deal, ActivityKind.CALL_SUMMARY_SHARED, sharer,
                      draft.vendor.id, details, call_summary_id=summary.id)
            )  # fmt: skip
