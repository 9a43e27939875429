"""The shared deal and what the shared deal card shows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

import strawberry

from db.models import Activity as ActivityRow
from db.models import CallSummary as CallSummaryRow
from db.models import Deal as DealRow
from db.models import DealPlacement as PlacementRow
from db.models import DealRegistration as RegistrationRow
from db.models import DealTeamMember as MemberRow
from db.models import Product as ProductRow
from db.models import utcnow
from graph.accounts.types import Account, User
from graph.activity.types import Activity
from graph.calls.types import CallSummary
from graph.context import Info
from graph.enums import RegistrationStatus
from graph.loaders.base import resolve_now
from graph.pipelines.types import Pipeline, PipelineStage, Product
from graph.relay import Connection, Node, paginate_list, to_global_id


@strawberry.type(description="A user on a deal's team, with who added them and when.")
class DealTeamMember:
    added_at: datetime = strawberry.field(description="When the user joined the team.")
    _row: strawberry.Private[MemberRow]

    @strawberry.field(description="The team member.")
    def user(self, info: Info) -> User:
        return resolve_now(info.context.loaders.user_by_id, self._row.user_id, User.from_row)

    @strawberry.field(description="The member's account (vendor or partner).")
    def account(self, info: Info) -> Account:
        loader = info.context.loaders.account_by_id
        return resolve_now(loader, self._row.account_id, Account.from_row)

    @strawberry.field(description="Who added the member; null for the deal's creator.")
    def added_by(self, info: Info) -> User | None:
        if self._row.added_by_id is None:
            return None
        return resolve_now(info.context.loaders.user_by_id, self._row.added_by_id, User.from_row)

    @classmethod
    def from_row(cls, row: MemberRow) -> Self:
        return cls(added_at=row.added_at, _row=row)


@strawberry.type(description="The deal team: users of both accounts working the deal.")
class DealTeam:
    members: list[DealTeamMember] = strawberry.field(description="Members, in order added.")


@strawberry.type(description="A registration of the deal by one side, and its decision.")
class DealRegistration(Node):
    status: RegistrationStatus = strawberry.field(description="Where the registration stands.")
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    decided_at: datetime | None = strawberry.field(description="When the vendor decided.")
    expires_at: datetime | None = strawberry.field(description="When an approval lapses.")
    rejection_reason: str | None = strawberry.field(description="Why it was rejected.")
    is_active: bool = strawberry.field(
        description="Submitted or approved and not past expiry: counts as active."
    )
    _row: strawberry.Private[RegistrationRow]

    @strawberry.field(description="Who submitted it.")
    def submitted_by(self, info: Info) -> User:
        loader = info.context.loaders.user_by_id
        return resolve_now(loader, self._row.submitted_by_id, User.from_row)

    @strawberry.field(description="The account that registered the deal.")
    def account(self, info: Info) -> Account:
        loader = info.context.loaders.account_by_id
        return resolve_now(loader, self._row.account_id, Account.from_row)

    @strawberry.field(description="Who approved or rejected it.")
    def decided_by(self, info: Info) -> User | None:
        if self._row.decided_by_id is None:
            return None
        return resolve_now(info.context.loaders.user_by_id, self._row.decided_by_id, User.from_row)

    @classmethod
    def from_row(cls, row: RegistrationRow, *, now: datetime) -> Self:
        assert row.id is not None
        active = row.status in ("SUBMITTED", "APPROVED") and (
            row.expires_at is None or row.expires_at > now
        )
        return cls(
            id=to_global_id("DealRegistration", row.id),
            status=RegistrationStatus(row.status),
            submitted_at=row.submitted_at,
            decided_at=row.decided_at,
            expires_at=row.expires_at,
            rejection_reason=row.rejection_reason,
            is_active=active,
            _row=row,
        )


@strawberry.type(description="A deal shared by one partner account and the vendor account.")
class Deal(Node):
    name: str = strawberry.field(description="The deal's name.")
    amount: Decimal = strawberry.field(description="The deal's value.")
    currency: str = strawberry.field(description="ISO 4217 currency code of `amount`.")
    close_date: date = strawberry.field(description="The expected close date.")
    version: int = strawberry.field(
        description="Bumped by every change; pass it back to detect conflicts."
    )
    company_name: str = strawberry.field(description="The customer company.")
    company_domain: str = strawberry.field(description="The customer's web domain.")
    contact_name: str = strawberry.field(description="The customer contact.")
    contact_email: str = strawberry.field(description="The customer contact's email.")
    intro_note: str = strawberry.field(description="The partner's introduction note.")
    created_at: datetime = strawberry.field(description="When the deal was shared.")
    updated_at: datetime = strawberry.field(description="When the deal last changed.")
    _row: strawberry.Private[DealRow]

    @property
    def pk(self) -> int:
        """The deal's primary key."""
        assert self._row.id is not None
        return self._row.id

    @strawberry.field(description="The viewer's account's pipeline this deal is filed in.")
    def pipeline(self, info: Info) -> Pipeline | None:
        loaders = info.context.loaders

        def pipeline_of(placement: PlacementRow | None) -> Any:
            if placement is None:
                return None
            return resolve_now(loaders.pipeline_by_id, placement.pipeline_id, Pipeline.from_row)

        return resolve_now(loaders.placement_by_deal, self.pk, pipeline_of)

    @strawberry.field(description="The deal's stage in the viewer's account's pipeline.")
    def stage(self, info: Info) -> PipelineStage | None:
        loaders = info.context.loaders

        def stage_of(placement: PlacementRow | None) -> Any:
            if placement is None:
                return None
            return resolve_now(loaders.stage_by_id, placement.stage_id, PipelineStage.from_row)

        return resolve_now(loaders.placement_by_deal, self.pk, stage_of)

    @strawberry.field(description="The partner account sharing the deal.")
    def partner_account(self, info: Info) -> Account:
        loader = info.context.loaders.account_by_id
        return resolve_now(loader, self._row.partner_account_id, Account.from_row)

    @strawberry.field(description="The vendor account sharing the deal.")
    def vendor_account(self, info: Info) -> Account:
        loader = info.context.loaders.account_by_id
        return resolve_now(loader, self._row.vendor_account_id, Account.from_row)

    @strawberry.field(description="Products of interest from the vendor's catalogue.")
    def products_of_interest(self, info: Info) -> list[Product]:
        return resolve_now(info.context.loaders.products_by_deal, self.pk, _products)

    @strawberry.field(
        description="Registrations submitted or approved and not past expiry, counted now."
    )
    def active_deal_registrations(self, info: Info) -> int:
        return resolve_now(info.context.loaders.active_registration_count_by_deal, self.pk, int)

    @strawberry.field(description="Every registration of the deal, newest first.")
    def registrations(self, info: Info) -> list[DealRegistration]:
        now = utcnow()

        def wrap(rows: list[RegistrationRow]) -> list[DealRegistration]:
            return [DealRegistration.from_row(row, now=now) for row in rows]

        return resolve_now(info.context.loaders.registrations_by_deal, self.pk, wrap)

    @strawberry.field(description="The deal team (the shared deal card).")
    def team(self, info: Info) -> DealTeam:
        return resolve_now(info.context.loaders.team_members_by_deal, self.pk, _team)

    @strawberry.field(
        description="Call summaries, newest first; partner users see only shared ones."
    )
    def call_summaries(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CallSummary]:
        def page(rows: list[CallSummaryRow]) -> Connection[CallSummary]:
            return paginate_list(
                rows,
                key=_id_of,
                first=first,
                after=after,
                last=last,
                before=before,
                wrap=CallSummary.from_row,
            )

        return resolve_now(info.context.loaders.call_summaries_by_deal, self.pk, page)

    @strawberry.field(
        description="Activities the viewer may see, newest first; `shared: true` is the Shared tab."
    )
    def activities(
        self,
        info: Info,
        shared: bool | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Activity]:
        def page(rows: list[ActivityRow]) -> Connection[Activity]:
            if shared is not None:
                rows = [row for row in rows if (row.visibility == "SHARED") == shared]
            return paginate_list(
                rows,
                key=_id_of,
                first=first,
                after=after,
                last=last,
                before=before,
                wrap=Activity.from_row,
            )

        return resolve_now(info.context.loaders.activities_by_deal, self.pk, page)

    @classmethod
    def from_row(cls, row: DealRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("Deal", row.id),
            name=row.name,
            amount=row.amount,
            currency=row.currency,
            close_date=row.close_date,
            version=row.version,
            company_name=row.company_name,
            company_domain=row.company_domain,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            intro_note=row.intro_note,
            created_at=row.created_at,
            updated_at=row.updated_at,
            _row=row,
        )


def _id_of(row: CallSummaryRow | ActivityRow) -> int:
    assert row.id is not None
    return row.id


def _products(rows: list[ProductRow]) -> list[Product]:
    return [Product.from_row(row) for row in rows]


def _team(rows: list[MemberRow]) -> DealTeam:
    return DealTeam(members=[DealTeamMember.from_row(row) for row in rows])
