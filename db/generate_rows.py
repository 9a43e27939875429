"""Rows of one batch of generated deals, as plain dicts ready for bulk inserts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from db.demo_calls import summary_sections
from db.demo_data import CALL_TITLES, COMPANIES, DEAL_SUFFIXES, FIRST_NAMES, LAST_NAMES
from db.models import ActivityKind, RegistrationStatus, Visibility

REGIONS = ("Americas", "EMEA", "APAC", "Japan", "Nordics", "DACH", "UK", "Iberia", "ANZ")
STATUS_WEIGHTS = {
    RegistrationStatus.SUBMITTED: 30,
    RegistrationStatus.APPROVED: 35,
    RegistrationStatus.REJECTED: 12,
    RegistrationStatus.EXPIRED: 13,
    RegistrationStatus.WITHDRAWN: 10,
}
STATUS_KIND = {
    RegistrationStatus.SUBMITTED: ActivityKind.REGISTRATION_SUBMITTED,
    RegistrationStatus.APPROVED: ActivityKind.REGISTRATION_APPROVED,
    RegistrationStatus.REJECTED: ActivityKind.REGISTRATION_REJECTED,
    RegistrationStatus.EXPIRED: ActivityKind.REGISTRATION_EXPIRED,
    RegistrationStatus.WITHDRAWN: ActivityKind.REGISTRATION_WITHDRAWN,
}
REJECTION_REASON = "Already registered by another partner."
NOTIFIED_SHARE = 0.01  # only a few generated deals notify their team, to keep inboxes sane
CALL_SHARE = 0.05


@dataclass(slots=True)
class Placement:
    """Where an account may file a generated deal: a pipeline and its open and closed stages."""

    pipeline_id: int
    open_stage_ids: list[int]
    closed_stage_ids: list[int]


@dataclass(slots=True)
class Side:
    """One account as the generator sees it."""

    account_id: int
    user_ids: list[int]
    placements: list[Placement]  # the shared-deal pipeline first


@dataclass(slots=True)
class GeneratorContext:
    """What generated deals are built on, read once from the database."""

    vendor: Side
    partners: list[Side]
    product_ids: list[int]
    product_names: dict[int, str]
    expiry_days: int
    first_number: int
    today: date
    now: datetime


@dataclass(slots=True)
class Prospect:
    """The customer side of a generated deal."""

    company_name: str
    company_domain: str
    contact_name: str
    contact_email: str


@dataclass(slots=True)
class BatchRows:
    """One batch; child rows hold batch-local indexes until the parents' ids are known."""

    deals: list[dict[str, Any]] = field(default_factory=list)
    placements: list[dict[str, Any]] = field(default_factory=list)
    team_members: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    registrations: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    notified_activities: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)

    def resolve_deal_ids(self, ids: list[int]) -> None:
        """Replace batch-local deal indexes with the inserted deals' ids."""
        for rows in (
            self.placements, self.team_members, self.products, self.registrations, self.calls,
            self.summaries, self.activities, self.notified_activities, self.notifications,
        ):  # fmt: skip
            for row in rows:
                row["deal_id"] = ids[row["deal_id"]]

    def resolve_call_ids(self, ids: list[int]) -> None:
        """Point summaries at their inserted calls."""
        for row in self.summaries:
            row["call_id"] = ids[row["call_id"]]

    def resolve_summary_ids(self, ids: list[int]) -> None:
        """Point call-summary activities at their inserted summaries."""
        for row in self.activities:
            if row["call_summary_id"] is not None:
                row["call_summary_id"] = ids[row["call_summary_id"]]

    def resolve_notified_activity_ids(self, ids: list[int]) -> None:
        """Point notifications at their inserted activities."""
        for row in self.notifications:
            row["activity_id"] = ids[row["activity_id"]]


def _activity(
    deal: int, kind: ActivityKind, actor: int | None, account: int, at: datetime,
    details: dict[str, Any], summary: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    visibility = (
        Visibility.INTERNAL if kind is ActivityKind.CALL_SUMMARY_CREATED else Visibility.SHARED
    )
    return {
        "deal_id": deal, "kind": kind, "actor_id": actor, "account_id": account,
        "visibility": visibility, "occurred_at": at, "details": details,
        "call_summary_id": summary,
    }  # fmt: skip


class _BatchBuilder:
    """Builds the rows of one batch with one random generator and one clock."""

    def __init__(self, context: GeneratorContext, rng: random.Random) -> None:
        self.context, self.rng, self.rows = context, rng, BatchRows()
        self.latest = context.now - timedelta(minutes=1)

    def after(self, at: datetime, min_hours: int, max_hours: int) -> datetime:
        """A random moment some hours after `at`, never in the future."""
        return min(at + timedelta(hours=self.rng.randint(min_hours, max_hours)), self.latest)

    def deal(self, index: int, number: int) -> None:
        """Add one deal and everything hanging off it."""
        ctx, rng, rows = self.context, self.rng, self.rows
        partner = rng.choice(ctx.partners)
        creator_side, other = (
            (partner, ctx.vendor) if rng.random() < 0.75 else (ctx.vendor, partner)
        )
        creator = rng.choice(creator_side.user_ids)
        # Skewed towards recent deals, so many approvals are still within their expiry.
        created = ctx.now - timedelta(seconds=3600 + int(rng.random() ** 2 * 730 * 86400))
        closed = created < ctx.now - timedelta(days=60) and rng.random() < 0.3
        if closed:
            close = min(created.date() + timedelta(days=rng.randint(20, 60)), ctx.today)
        else:
            close = ctx.today + timedelta(days=rng.randint(1, 365))
        company = f"{rng.choice(COMPANIES)} {rng.choice(REGIONS)}"
        domain = company.lower().replace(" & ", "-").replace(" ", "-") + ".example"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        prospect = Prospect(company, domain, f"{first} {last}", f"{first}.{last}@{domain}".lower())
        name = f"{company} – {rng.choice(DEAL_SUFFIXES)} #{number}"
        rows.deals.append({
            "name": name, "amount": rng.randrange(10, 5000) * 100, "currency": "USD",
            "close_date": close, "partner_account_id": partner.account_id,
            "vendor_account_id": ctx.vendor.account_id, "company_name": company,
            "company_domain": domain, "contact_name": prospect.contact_name,
            "contact_email": prospect.contact_email, "intro_note": "", "version": 1,
            "created_by_id": creator, "created_at": created, "updated_at": created,
        })  # fmt: skip
        for side in (partner, ctx.vendor):
            placement = side.placements[0]
            if len(side.placements) > 1 and rng.random() < 0.15:
                placement = rng.choice(side.placements[1:])
            stages = (closed and placement.closed_stage_ids) or placement.open_stage_ids
            rows.placements.append({
                "deal_id": index, "account_id": side.account_id,
                "pipeline_id": placement.pipeline_id, "stage_id": rng.choice(stages),
            })  # fmt: skip
        team = self.team(index, creator, creator_side, other, created)
        product_ids = rng.sample(ctx.product_ids, k=rng.randint(1, 3))
        rows.products.extend({"deal_id": index, "product_id": p} for p in product_ids)
        shared = _activity(index, ActivityKind.DEAL_SHARED, creator, creator_side.account_id,
                           created, {"name": name})  # fmt: skip
        if rng.random() < NOTIFIED_SHARE:
            rows.notified_activities.append(shared)
            activity_index = len(rows.notified_activities) - 1
            rows.notifications.extend(
                {"user_id": user, "seq": 0, "activity_id": activity_index, "deal_id": index,
                 "created_at": created, "read_at": None}
                for user in team if user != creator
            )  # fmt: skip
        else:
            rows.activities.append(shared)
        for _ in range(rng.choices((0, 1, 2), weights=(30, 55, 15))[0]):
            self.registration(index, partner if rng.random() < 0.8 else ctx.vendor, created)
        if rng.random() < CALL_SHARE:
            self.call(index, created, prospect, ctx.product_names[product_ids[0]])

    def team(
        self, index: int, creator: int, creator_side: Side, other: Side, at: datetime
    ) -> list[int]:
        """The creator, one user of the other account and maybe a colleague."""
        joiner = self.rng.choice(other.user_ids)
        members = [(creator, creator, at), (joiner, joiner, self.after(at, 1, 48))]
        colleagues = [user for user in creator_side.user_ids if user != creator]
        if colleagues and self.rng.random() < 0.4:
            members.append((self.rng.choice(colleagues), creator, at))
        for user, by, added in members:
            account = creator_side if user != joiner else other
            self.rows.team_members.append({
                "deal_id": index, "user_id": user, "account_id": account.account_id,
                "added_by_id": by, "added_at": added,
            })  # fmt: skip
        return [user for user, _by, _added in members]

    def registration(self, index: int, side: Side, created: datetime) -> None:
        """One registration in its final state and the activity of its last change."""
        rng, ctx = self.rng, self.context
        submitter = rng.choice(side.user_ids)
        submitted = self.after(created, 1, 96)
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        decided = expires = withdrawn = None
        decider: int | None = None
        actor: int | None = submitter
        reason, at = None, submitted
        if status in (RegistrationStatus.APPROVED, RegistrationStatus.EXPIRED):
            decided = self.after(submitted, 4, 120)
            expires = decided + timedelta(days=ctx.expiry_days)
            if expires > ctx.now:  # an expiry still ahead cannot have happened
                status = RegistrationStatus.APPROVED
        if status is RegistrationStatus.REJECTED:
            decided, reason = (
                self.after(submitted, 4, 120),
                "Already registered by another partner.",
            )
        if decided is not None:
            decider = rng.choice(ctx.vendor.user_ids)
            actor, at = decider, decided
        if status is RegistrationStatus.EXPIRED:
            assert expires is not None
            actor, at = None, expires
        if status is RegistrationStatus.WITHDRAWN:
            withdrawn = at = self.after(submitted, 24, 240)
        self.rows.registrations.append({
            "deal_id": index, "account_id": side.account_id, "status": status,
            "submitted_by_id": submitter, "submitted_at": submitted, "decided_by_id": decider,
            "decided_at": decided, "expires_at": expires, "rejection_reason": reason,
            "withdrawn_at": withdrawn,
        })  # fmt: skip
        account = side.account_id if actor is None or actor == submitter else ctx.vendor.account_id
        self.rows.activities.append(
            _activity(index, STATUS_KIND[status], actor, account, at, {"status": status})
        )

    def call(self, index: int, created: datetime, prospect: Prospect, product: str) -> None:
        """A vendor call with its summary, shared half of the time."""
        rng, rows, vendor = self.rng, self.rows, self.context.vendor
        rep = rng.choice(vendor.user_ids)
        occurred = self.after(created, 24, 500)
        title = f"{rng.choice(CALL_TITLES)} with {prospect.company_name}"
        rows.calls.append({
            "deal_id": index, "title": title, "occurred_at": occurred, "duration_seconds": 1800,
            "participants": [{"name": prospect.contact_name, "email": prospect.contact_email}],
            "created_by_id": rep, "created_at": occurred,
        })  # fmt: skip
        shared_at = self.after(occurred, 1, 48) if rng.random() < 0.5 else None
        rows.summaries.append({
            "call_id": len(rows.calls) - 1, "deal_id": index, "created_by_id": rep,
            "created_at": occurred, "shared_at": shared_at,
            "shared_by_id": rep if shared_at else None,
            **summary_sections(prospect, product, rng),
        })  # fmt: skip
        summary = len(rows.summaries) - 1
        account = vendor.account_id
        created_kind, shared_kind = (
            ActivityKind.CALL_SUMMARY_CREATED,
            ActivityKind.CALL_SUMMARY_SHARED,
        )
        details = {"title": title}
        rows.activities.append(
            _activity(index, created_kind, rep, account, occurred, details, summary)
        )
        if shared_at is not None:
            rows.activities.append(
                _activity(index, shared_kind, rep, account, shared_at, details, summary)
            )


def build_batch(
    *, context: GeneratorContext, rng: random.Random, first_number: int, size: int
) -> BatchRows:
    """The rows of `size` generated deals numbered from `first_number`."""
    builder = _BatchBuilder(context, rng)
    for index in range(size):
        builder.deal(index, first_number + index)
    return builder.rows
