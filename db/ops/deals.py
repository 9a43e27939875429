"""Guards every change to a deal starts with: the lock, visibility and the version check."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import DomainError, ErrorCode
from db.models import Deal, User
from db.ops.activity import lock_deal

# Most ids one list of a change may carry (the same bound as a page of a list).
MAX_BATCH = 100


async def lock_visible_deal(
    *, session: AsyncSession, actor: User, deal_id: int | None, field: Sequence[str]
) -> Deal:
    """The deal under a row lock; NOT_FOUND when it does not exist or the actor may not see it.

    A deal of other accounts is reported exactly like a missing one, so its
    existence does not leak.
    """
    deal = await lock_deal(session=session, deal_id=deal_id) if deal_id is not None else None
    if deal is None or actor.account_id not in (deal.partner_account_id, deal.vendor_account_id):
        raise DomainError(ErrorCode.NOT_FOUND, "No deal with that id.", field)
    return deal


def check_version(deal: Deal, expected_version: int | None, field: Sequence[str]) -> None:
    """VERSION_CONFLICT when the caller read an older (or newer) version than the current one."""
    if expected_version is not None and expected_version != deal.version:
        raise DomainError(
            ErrorCode.VERSION_CONFLICT,
            f"The deal changed meanwhile: it is at version {deal.version}, "
            f"not {expected_version}. Reload it and try again.",
            field,
        )


def check_batch_size(ids: Sequence[object], field: Sequence[str]) -> None:
    """TOO_MANY when a list carries more than MAX_BATCH ids."""
    if len(ids) > MAX_BATCH:
        raise DomainError(
            ErrorCode.TOO_MANY, f"At most {MAX_BATCH} ids may be given at once.", field
        )
