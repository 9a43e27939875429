"""A partner user shares a new deal with the vendor: `sharedDealCreate`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import (
    Account,
    AccountKind,
    ActivityKind,
    Deal,
    DealPlacement,
    DealProduct,
    DealRegistration,
    DealTeamMember,
    IdempotencyKey,
    Product,
    RegistrationStatus,
    User,
)
from db.ops.activity import Recorded, record_activity
from db.ops.checks import Checks
from db.ops.currencies import is_currency
from db.ops.placement import entry_placement
from db.ops.registrations import registration_details

# Numeric(18, 2): sixteen digits before the point, two after.
MAX_AMOUNT = Decimal(10) ** 16
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class SharedDealDraft:
    """What a partner user fills in; a None product id is one that names no product."""

    name: str
    amount: Decimal
    currency: str
    close_date: date
    product_ids: Sequence[int | None] = ()
    company_name: str = ""
    company_domain: str = ""
    contact_name: str = ""
    contact_email: str = ""
    intro_note: str = ""


@dataclass(slots=True)
class SharedDealCreated:
    """The deal, what was recorded, and whether an earlier call with the same key made it."""

    deal: Deal
    recorded: list[Recorded] = field(default_factory=list)
    replayed: bool = False


async def create_shared_deal(
    *,
    session: AsyncSession,
    creator: User,
    creator_account: Account,
    draft: SharedDealDraft,
    idempotency_key: str | None = None,
) -> SharedDealCreated:
    """Share a new deal between the creator's partner account and the vendor account.

    Each account files it in its shared-deal pipeline's first open stage; a
    SUBMITTED registration is made by the creator, who joins the team. With an
    idempotency key, a repeated call by the same user returns the first deal.
    """
    assert creator.id is not None
    assert creator_account.id is not None
    if creator_account.kind != AccountKind.PARTNER:
        raise DomainError(ErrorCode.FORBIDDEN, "Only partner users can share a new deal.")
    key = _checked_key(idempotency_key)
    if key is not None:
        earlier = await _deal_of_key(session=session, user_id=creator.id, key=key)
        if earlier is not None:
            return SharedDealCreated(deal=earlier, replayed=True)
    deal = await _validated_deal(session=session, draft=draft)
    deal.created_by_id = creator.id
    deal.partner_account_id = creator_account.id
    deal.vendor_account_id = await _vendor_account_id(session=session)
    placements = {
        account_id: await entry_placement(session=session, account_id=account_id)
        for account_id in (deal.partner_account_id, deal.vendor_account_id)
    }
    try:
        # Claiming the key together with the deal: a concurrent retry with the same
        # key blocks on our uncommitted key row and then fails here, not twice over.
        async with session.begin_nested():
            session.add(deal)
            await session.flush()
            assert deal.id is not None
            if key is not None:
                session.add(IdempotencyKey(user_id=creator.id, key=key, deal_id=deal.id))
                await session.flush()
    except IntegrityError:
        earlier = await _deal_of_key(session=session, user_id=creator.id, key=key or "")
        if earlier is None:
            raise
        return SharedDealCreated(deal=earlier, replayed=True)
    for account_id, (pipeline_id, stage_id) in placements.items():
        session.add(
            DealPlacement(
                deal_id=deal.id, account_id=account_id, pipeline_id=pipeline_id, stage_id=stage_id
            )
        )
    product_ids = sorted({pid for pid in draft.product_ids if pid is not None})
    session.add_all(DealProduct(deal_id=deal.id, product_id=pid) for pid in product_ids)
    session.add(DealTeamMember(deal_id=deal.id, user_id=creator.id, account_id=creator.account_id))
    registration = DealRegistration(
        deal_id=deal.id,
        account_id=creator_account.id,
        status=RegistrationStatus.SUBMITTED,
        submitted_by_id=creator.id,
    )
    session.add(registration)
    await session.flush()
    shared = await record_activity(
        session=session,
        deal=deal,
        kind=ActivityKind.DEAL_SHARED,
        actor=creator,
        account_id=creator_account.id,
        details={
            "name": deal.name,
            "amount": str(deal.amount),
            "currency": deal.currency,
            "product_ids": product_ids,
        },
    )
    submitted = await record_activity(
        session=session,
        deal=deal,
        kind=ActivityKind.REGISTRATION_SUBMITTED,
        actor=creator,
        account_id=creator_account.id,
        details=registration_details(registration, before=None),
    )
    return SharedDealCreated(deal=deal, recorded=[shared, submitted])


def _checked_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key.strip() or len(key) > 200:
        raise DomainError(
            ErrorCode.INVALID,
            "An idempotency key has 1 to 200 characters.",
            ["input", "idempotencyKey"],
        )
    return key


async def _deal_of_key(*, session: AsyncSession, user_id: int, key: str) -> Deal | None:
    statement = (
        select(Deal)
        .join(IdempotencyKey, col(IdempotencyKey.deal_id) == Deal.id)
        .where(col(IdempotencyKey.user_id) == user_id, col(IdempotencyKey.key) == key)
    )
    return (await session.exec(statement)).first()


async def _vendor_account_id(*, session: AsyncSession) -> int:
    statement = (
        select(Account.id).where(col(Account.kind) == AccountKind.VENDOR).order_by(col(Account.id))
    )
    vendor_id = (await session.exec(statement)).first()
    if vendor_id is None:
        raise DomainError(ErrorCode.INVALID, "There is no vendor account to share the deal with.")
    return vendor_id


async def _validated_deal(*, session: AsyncSession, draft: SharedDealDraft) -> Deal:
    """The draft as an unsaved deal; BatchError with every rejection, nothing written."""
    checks = Checks()
    name = checks.text(draft.name, ["input", "name"], max_length=200, required=True)
    amount = _checked_amount(checks, draft.amount)
    currency = draft.currency.strip().upper()
    if not is_currency(currency):
        checks.fail(
            ErrorCode.INVALID, "Not an ISO 4217 currency code, e.g. `USD`.", ["input", "currency"]
        )
    company_name = checks.text(draft.company_name, ["input", "companyName"], max_length=200)
    company_domain = checks.domain(draft.company_domain, ["input", "companyDomain"])
    contact_name = checks.text(draft.contact_name, ["input", "contactName"], max_length=200)
    contact_email = checks.email(draft.contact_email, ["input", "contactEmail"])
    intro_note = checks.text(draft.intro_note, ["input", "introNote"], max_length=5000)
    if checks.count(draft.product_ids, ["input", "productIds"]):
        await _check_products(session=session, checks=checks, product_ids=draft.product_ids)
    checks.done()
    return Deal(
        name=name,
        amount=amount,
        currency=currency,
        close_date=draft.close_date,
        company_name=company_name,
        company_domain=company_domain,
        contact_name=contact_name,
        contact_email=contact_email or "",
        intro_note=intro_note,
        # Filled in by the caller once the draft is known to be valid.
        partner_account_id=0,
        vendor_account_id=0,
    )


def _checked_amount(checks: Checks, amount: Decimal) -> Decimal:
    field = ["input", "amount"]
    if not amount.is_finite():
        checks.fail(ErrorCode.INVALID, "Not a number.", field)
    elif amount < 0:
        checks.fail(ErrorCode.INVALID, "Must not be negative.", field)
    elif amount >= MAX_AMOUNT:
        checks.fail(ErrorCode.INVALID, "Too large.", field)
    elif amount != amount.quantize(CENT):
        checks.fail(ErrorCode.INVALID, "At most two decimal places.", field)
    else:
        return amount.quantize(CENT)
    return Decimal(0)


async def _check_products(
    *, session: AsyncSession, checks: Checks, product_ids: Sequence[int | None]
) -> None:
    wanted = {pid for pid in product_ids if pid is not None}
    found = set(
        (await session.exec(select(Product.id).where(col(Product.id).in_(wanted)))).all()
        if wanted
        else ()
    )
    for index, pid in enumerate(product_ids):
        if pid is None or pid not in found:
            checks.fail(
                ErrorCode.NOT_FOUND, "No product with that id.", ["input", "productIds", index]
            )
